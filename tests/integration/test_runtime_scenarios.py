"""Every extension in OVS's BPF runtime (``ovstest test-bpf``): accepted, and its expected
scenarios hold (verdicts, packet bytes, map contents), as they hold in the kernel."""

from pathlib import Path

import pytest

from harness.bpf import metadata
from harness.bpf.compile import compile_extension
from harness.bpf.ovs import OvstestProgram, ovstest_verify
from harness.bpf.scenarios import run_scenario

pytestmark = [pytest.mark.integration]

EXTS = {e.name: e for e in metadata.load_all()}
OBJECTS = [(e.name, role) for e in EXTS.values() for role in e.roles]
SCENARIOS = [(name, role, i) for name, role in OBJECTS
             for i in range(len(EXTS[name].scenarios))]


@pytest.fixture(scope="module")
def runtime(built_variant):
    """The runtime variant, built (its tree holds ovstest)."""
    return built_variant("runtime")


@pytest.fixture(scope="module")
def objects(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every extension compiled for every role, in a scratch directory."""
    out = tmp_path_factory.mktemp("extensions")
    return {(n, r): compile_extension(n, r, out / f"{n}.{r}.o") for n, r in OBJECTS}


@pytest.mark.parametrize("name, role", OBJECTS)
def test_accepted_with_its_declared_writes(runtime, objects, name, role):
    verdict = ovstest_verify(objects[name, role], runtime, program=EXTS[name].program)
    assert verdict.accepted, verdict.reason
    assert verdict.writes_packet == bool(verdict.writes)
    if role == "filter":
        assert not verdict.writes_packet


@pytest.mark.parametrize("name, role, index", SCENARIOS,
                         ids=[f"{n}.{r}-{i}" for n, r, i in SCENARIOS])
def test_expected_scenario_holds_in_ovs(runtime, objects, name, role, index):
    ext = EXTS[name]
    with OvstestProgram(objects[name, role], runtime, program=ext.program) as prog:
        assert run_scenario(ext, role, ext.scenarios[index], prog) == []
        assert prog.faults == 0
