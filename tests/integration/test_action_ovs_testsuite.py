"""The action layer's OVS testsuite cases (tests/bpf-action.at and the variant's
tests/bpf-policy.at, keyword 'bpf-action') on the dummy datapath of each action variant."""

import subprocess

import pytest

from harness import paths
from harness.ovs.build import build_env

pytestmark = [pytest.mark.integration]


@pytest.mark.parametrize("variant", ["softflow", "verifier"])
def test_ovs_testsuite_bpf_action_cases_pass(built_variant, variant):
    tree = paths.BUILD / "src" / built_variant(variant)
    p = subprocess.run(["make", "check", "TESTSUITEFLAGS=-j2 -k bpf-action"], cwd=tree,
                       env=build_env(), capture_output=True, text=True, timeout=1200)
    summary = [line for line in p.stdout.splitlines()
               if "tests were" in line or "FAILED" in line or "skipped" in line]
    assert p.returncode == 0, "\n".join(summary) + p.stdout[-3000:] + p.stderr[-2000:]
    assert any("successful" in line for line in summary), p.stdout[-2000:]
    # Every case needs clang; a skipped case would hide a missing compiler.
    assert not any("skipped" in line for line in summary), "\n".join(summary)
