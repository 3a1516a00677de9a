"""The runtime's control commands on a real ovs-vswitchd, through harness.bpf.ovs.

Loading, showing, map commands and unloading on a running instance of the ``runtime``
variant; a rejected load carries the runtime's message and changes nothing; and
``extbench verify`` prints a verdict and exits 0 (accepted) or 1 (rejected).
"""

import json
import subprocess
import sys

import pytest

from harness import paths
from harness.bpf.compile import compile_extension
from harness.bpf.ovs import BpfCommandError, BpfControl, BpfLoadError, BpfRange
from harness.ovs.daemons import OvsInstance

pytestmark = [pytest.mark.integration, pytest.mark.root]

BRIDGE = "xbt0"


@pytest.fixture(scope="module")
def runtime(built_variant):
    """The runtime variant, built and installed."""
    return built_variant("runtime")


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    """Extensions used here, compiled in a scratch directory."""
    out = tmp_path_factory.mktemp("objs")
    return {f"{n}.{r}": compile_extension(n, r, out / f"{n}.{r}.o")
            for n, r in [("ttl_dec", "action"), ("heavy_hitter", "filter"),
                         ("noop", "action")]}


@pytest.fixture
def ovs(runtime):
    """A running instance with one dummy-datapath bridge."""
    with OvsInstance(runtime, vswitchd_args=("--enable-dummy",)) as inst:
        inst.vsctl("add-br", BRIDGE, "--", "set", "bridge", BRIDGE, "datapath_type=dummy")
        yield inst


def test_load_show_maps_unload(ovs, objs):
    ctl = BpfControl(ovs)
    h1 = ctl.load(BRIDGE, 1, objs["ttl_dec.action"])
    h2 = ctl.load(BRIDGE, 2, objs["heavy_hitter.filter"])
    assert h1 != h2 and h1 > 0 and h2 > 0
    progs = {p.id: p for p in ctl.show(BRIDGE)}
    assert progs[1].handle == h1 and progs[1].writes_packet
    assert BpfRange(22, 23) in progs[1].writes
    assert progs[2].maps and not progs[2].writes_packet and progs[2].reads

    key, value = bytes.fromhex("0a0000010a00000204d2138911000000"), bytes(range(16))
    ctl.map_update(BRIDGE, 2, "heavy", key, value)
    assert ctl.map_dump(BRIDGE, 2, "heavy") == [(key, value)]
    ctl.map_delete(BRIDGE, 2, "heavy", key)
    assert ctl.map_dump(BRIDGE, 2, "heavy") == []
    assert len(ctl.map_dump(BRIDGE, 2, "sketch")) == 8192
    with pytest.raises(BpfCommandError, match="no such key"):
        ctl.map_delete(BRIDGE, 2, "heavy", key)
    with pytest.raises(BpfCommandError, match="no map 'nope'"):
        ctl.map_dump(BRIDGE, 2, "nope")

    ctl.unload(BRIDGE, 1)
    assert [p.id for p in ctl.show()] == [2]
    with pytest.raises(BpfCommandError, match="no program 1"):
        ctl.unload(BRIDGE, 1)


def test_rejected_load_changes_nothing(ovs, objs, tmp_path):
    ctl = BpfControl(ovs)
    ctl.load(BRIDGE, 1, objs["noop.action"])
    before = ctl.show()
    bad = tmp_path / "bad.o"
    bad.write_bytes(b"\x7fELF" + bytes(60))
    with pytest.raises(BpfLoadError, match=r"bad\.o: "):
        ctl.load(BRIDGE, 2, bad)
    with pytest.raises(BpfLoadError, match="already loaded"):
        ctl.load(BRIDGE, 1, objs["noop.action"])
    with pytest.raises(BpfLoadError, match="no such bridge"):
        ctl.load("xbnone", 1, objs["noop.action"])
    assert ctl.show() == before
    assert ovs.procs["ovs-vswitchd"].poll() is None


def test_objects_that_crashed_libbpf_are_refused(ovs, tmp_path):
    # Fuzzing inputs (first byte: the fuzzer's mode) that made libbpf 1.1 dereference NULL.
    ctl = BpfControl(ovs)
    seeds = sorted((paths.STRATEGIES / "common" / "fuzz" / "corpus").glob("regress-*"))
    assert seeds
    for i, seed in enumerate(seeds):
        obj = tmp_path / f"{seed.name}.o"
        obj.write_bytes(seed.read_bytes()[1:])
        with pytest.raises(BpfLoadError, match=r"\.BTF type \d+ refers to a type that does not"):
            ctl.load(BRIDGE, i + 1, obj)
    assert ovs.procs["ovs-vswitchd"].poll() is None
    assert ctl.show() == []


def extbench_verify(*args: str) -> subprocess.CompletedProcess:
    """Run 'extbench verify ARGS'."""
    return subprocess.run([sys.executable, "-m", "harness.cli", "verify", *args],
                          capture_output=True, text=True, timeout=120)


def test_extbench_verify(runtime, objs, tmp_path):
    p = extbench_verify("--variant", runtime, str(objs["ttl_dec.action"]))
    assert p.returncode == 0, p.stderr
    verdict = json.loads(p.stdout)
    assert verdict["accepted"] and verdict["writes_packet"] and verdict["reason"] is None
    assert [22, 23] in verdict["writes"] and verdict["insns"] > 0

    bad = tmp_path / "text.o"
    bad.write_text("not an object\n")
    p = extbench_verify("--variant", runtime, str(bad))
    assert p.returncode == 1, p.stderr
    verdict = json.loads(p.stdout)
    assert not verdict["accepted"] and "not an ELF file" in verdict["reason"]

    p = extbench_verify("--variant", "nosuch", str(bad))
    assert p.returncode == 2 and "unknown variant 'nosuch'" in p.stderr
    p = extbench_verify("--variant", runtime, str(tmp_path / "missing.o"))
    assert p.returncode == 2 and "missing.o: no such file" in p.stderr


def test_several_programs_per_object(ovs, runtime, tmp_path):
    """bpf/load and extbench verify pick a program of an object by name, refuse to guess
    among several, and name global data maps after their sections."""
    from harness.bpf.compile import CLANG, multiarch_include

    src, obj = tmp_path / "two.c", tmp_path / "two.o"
    src.write_text("""#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
__u64 seen = 5;
SEC("xdp") int first(struct xdp_md *ctx) { seen++; return XDP_PASS; }
SEC("xdp_second") int second(struct xdp_md *ctx)
{ return bpf_xdp_adjust_tail(ctx, -1) ? XDP_DROP : XDP_PASS; }
char _license[] SEC("license") = "GPL";
""")
    subprocess.run([CLANG, "-O2", "-g", "-target", "bpf", "-mcpu=v3",
                    f"-I{multiarch_include()}", "-c", str(src), "-o", str(obj)], check=True)
    ctl = BpfControl(ovs)
    with pytest.raises(BpfLoadError, match=r"holds 2 programs: name the one to load "
                                           r"\(programs: first \(section xdp\), second"):
        ctl.load(BRIDGE, 1, obj)
    ctl.load(BRIDGE, 1, obj, program="first")
    ctl.load(BRIDGE, 2, obj, program="second")
    first, second = ctl.show(BRIDGE)
    assert (first.program, first.section, first.changes_length) == ("first", "xdp", False)
    assert (second.program, second.section) == ("second", "xdp_second")
    assert second.changes_length and second.writes == (BpfRange(0, None),)
    assert [m.name for m in first.maps] == [".data"]
    assert ctl.map_dump(BRIDGE, 1, ".data") == [(bytes(4), (5).to_bytes(8, "little"))]

    p = extbench_verify("--variant", runtime, "--program", "second", str(obj))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["changes_length"] is True
    p = extbench_verify("--variant", runtime, str(obj))
    assert p.returncode == 1 and "name the one to load" in json.loads(p.stdout)["reason"]
