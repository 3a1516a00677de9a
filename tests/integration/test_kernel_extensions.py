"""Every extension in the Linux kernel: it loads (verifier), its maps are the declared ones,
its expected scenarios hold (BPF_PROG_TEST_RUN), and its read labels are not too narrow."""

from pathlib import Path

import pytest

from harness.bpf import metadata, packets
from harness.bpf.compile import compile_extension
from harness.bpf.kernel import KernelProgram
from harness.bpf.scenarios import run_scenario

pytestmark = [pytest.mark.integration, pytest.mark.root]

EXTS = {e.name: e for e in metadata.load_all()}
OBJECTS = [(e.name, role) for e in EXTS.values() for role in e.roles]
SCENARIOS = [(name, role, i) for name, role in OBJECTS
             for i in range(len(EXTS[name].scenarios))]
MUTATE_BELOW = 96
"""Bytes flipped by the read-label test: past every header and payload window in the corpus."""
PACKETS_PER_STACK = 2


@pytest.fixture(scope="module")
def objects(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every extension compiled for every role, in a scratch directory."""
    out = tmp_path_factory.mktemp("extensions")
    return {(n, r): compile_extension(n, r, out / f"{n}.{r}.o") for n, r in OBJECTS}


@pytest.mark.parametrize("name, role", OBJECTS)
def test_loads_as_xdp_with_the_declared_maps(objects, name, role):
    ext = EXTS[name]
    with KernelProgram(objects[name, role], program=ext.program) as kp:
        assert kp.info()["type"] == "xdp"
        maps = kp.maps()
        assert set(maps) == set(ext.maps)
        for map_name, spec in ext.maps.items():
            got = maps[map_name]
            assert (got["type"], got["bytes_key"], got["bytes_value"], got["max_entries"]) == (
                spec.type, spec.key.size, spec.value.size, spec.max_entries), map_name


@pytest.mark.parametrize("name, role, index", SCENARIOS,
                         ids=[f"{n}.{r}-{i}" for n, r, i in SCENARIOS])
def test_expected_scenario_holds_in_the_kernel(objects, name, role, index):
    ext = EXTS[name]
    with KernelProgram(objects[name, role], program=ext.program) as kp:
        assert run_scenario(ext, role, ext.scenarios[index], kp) == []


def _packets_per_stack(ext: metadata.Extension) -> dict[str, list[dict]]:
    """Up to PACKETS_PER_STACK distinct scenario packets of each stack."""
    found: dict[str, list[dict]] = {}
    for sc in ext.scenarios:
        for step in sc["steps"]:
            stack, desc = packets.stack(step["packet"]), step["packet"]
            if stack and desc not in found.setdefault(stack, []):
                found[stack].append(desc)
    return {s: d[:PACKETS_PER_STACK] for s, d in found.items()}


def _outcome(kp: KernelProgram, ext: metadata.Extension, pkt: bytes):
    """Return value, output bytes and hash map entries (timestamps left out) after 'pkt'."""
    ret, out = kp.run(pkt)
    maps = {}
    for name, spec in ext.maps.items():
        if spec.type == "hash":
            entries = [(spec.key.decode(k), spec.value.decode(v)) for k, v in kp.dump_map(name)]
            maps[name] = sorted(repr((k, {f: x for f, x in v.items() if not f.endswith("_ns")}))
                                for k, v in entries)
    return ret, out, maps


@pytest.mark.parametrize("name", sorted(EXTS))
def test_bytes_outside_the_declared_reads_and_writes_do_not_matter(objects, name):
    """Flip each byte outside reads ∪ writes: verdict, other bytes and maps stay the same.

    A necessary condition for the read labels (a flip that happens not to change the
    outcome proves nothing). Each flip runs on a freshly loaded program, so that stateful
    ones start from empty maps; their hash maps must end up the same too.
    """
    ext = EXTS[name]
    obj = objects[name, ext.roles[0]]
    for stack, descs in _packets_per_stack(ext).items():
        declared = ext.ranges("reads", stack) + ext.ranges("writes", stack)
        for desc in descs:
            pkt = packets.packet_bytes(desc)
            with KernelProgram(obj, program=ext.program) as kp:
                base_ret, base_out, base_maps = _outcome(kp, ext, pkt)
            for i in range(min(len(pkt), MUTATE_BELOW)):
                if any(s <= i < e for s, e in declared):
                    continue
                flipped, want = bytearray(pkt), bytearray(base_out)
                flipped[i] ^= 0xff
                want[i] ^= 0xff
                with KernelProgram(obj, program=ext.program) as kp:
                    got = _outcome(kp, ext, bytes(flipped))
                assert got == (base_ret, bytes(want), base_maps), (
                    f"{name}: flipping undeclared byte {i} of {desc} changed the outcome")
