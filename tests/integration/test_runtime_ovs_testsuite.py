"""The common layer's OVS testsuite cases (tests/bpf.at, keyword 'bpf') in the runtime tree."""

import subprocess

import pytest

from harness import paths
from harness.ovs.build import build_env

pytestmark = [pytest.mark.integration]


def test_ovs_testsuite_bpf_cases_pass(built_variant):
    tree = paths.BUILD / "src" / built_variant("runtime")
    p = subprocess.run(["make", "check", "TESTSUITEFLAGS=-j2 -k bpf"], cwd=tree,
                       env=build_env(), capture_output=True, text=True, timeout=1200)
    summary = [line for line in p.stdout.splitlines() if "tests were" in line or " ok" in line
               or "FAILED" in line or "skipped" in line]
    assert p.returncode == 0, "\n".join(summary) + p.stdout[-3000:] + p.stderr[-2000:]
    assert any("successful" in line for line in p.stdout.splitlines()), p.stdout[-2000:]
    assert not any("skipped" in line for line in summary), "\n".join(summary)
