"""The variants' OVS testsuite cases (keyword 'bpf') on the dummy datapath, in their trees.

Each extension variant runs the cases of every layer it stacks (the common runtime's, the
bpf action's, its own); the expected count comes from the layers' .at files, so a tree
whose patches did not apply (it runs no case) or a case that is skipped fails the test.
"""

import re
import subprocess

import pytest

from harness import paths
from harness.ovs.build import build_env
from harness.ovs.variant import load_variant

pytestmark = [pytest.mark.integration]


def expected_cases(variant: str, own_only: bool = False) -> int:
    """AT_SETUP count over the .at files that the series of the variant's layers (or of its
    own layer) add or edit: the AT_SETUP lines the patches add, less those they remove."""
    layers = load_variant(variant).layers[-1:] if own_only else load_variant(variant).layers
    count = 0
    for patch in (p for layer in layers for p in layer.patches):
        at_file = False
        for line in patch.read_text().splitlines():
            if line.startswith("diff --git "):
                at_file = line.endswith(".at") and " b/tests/" in line
            elif at_file and line.startswith("+AT_SETUP("):
                count += 1
            elif at_file and line.startswith("-AT_SETUP("):
                count -= 1
    return count


# oko-fold runs its own cases: it changes, by design, what three inherited cases pin
# (oko's port filter is folded, bpf/show gains a 'foldable' line: strategies/oko-fold
# README, "Tests"); the oko tree runs those cases.
@pytest.mark.parametrize("variant, keyword", [
    ("softflow", "bpf"), ("verifier", "bpf"), ("refined", "bpf"), ("oko", "bpf"),
    ("oko-fold", "oko-fold")])
def test_ovs_testsuite_bpf_cases_pass(built_variant, variant, keyword):
    tree = paths.BUILD / "src" / built_variant(variant)
    p = subprocess.run(["make", "check", f"TESTSUITEFLAGS=-j2 -k {keyword}"], cwd=tree,
                       env=build_env(), capture_output=True, text=True, timeout=1800)
    summary = [line for line in p.stdout.splitlines()
               if "tests were" in line or "FAILED" in line or "skipped" in line]
    assert p.returncode == 0, "\n".join(summary) + p.stdout[-3000:] + p.stderr[-2000:]
    ok = re.search(r"All (\d+) tests were successful\.$", p.stdout, re.MULTILINE)
    assert ok and int(ok.group(1)) == expected_cases(variant, keyword != "bpf") > 0, \
        "\n".join(summary)
