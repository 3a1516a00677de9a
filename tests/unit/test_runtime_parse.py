"""Parsers of the BPF runtime's ovs-appctl output, against output saved from a real daemon."""

from pathlib import Path

import pytest

from harness.bpf.ovs import BpfMapInfo, BpfRange, Verdict, parse_map_dump, parse_ranges, parse_show
from harness.errors import ExtbenchError

DATA = Path(__file__).with_name("data")


def test_show_output_of_three_programs():
    progs = parse_show((DATA / "bpf-show.txt").read_text())
    assert [(p.bridge, p.id, p.handle) for p in progs] == [("xbt0", 1, 1), ("xbt0", 2, 2),
                                                           ("xbt0", 3, 3)]
    dnat, hh, noop = progs
    assert dnat.program == "dnat" and dnat.section == "xdp" and dnat.insns > 0
    assert dnat.writes_packet and BpfRange(30, 34) in dnat.writes
    assert dnat.maps == ()
    assert hh.maps == (BpfMapInfo("heavy", "hash", 16, 16, 4096),
                       BpfMapInfo("sketch", "array", 4, 4, 8192))
    assert not hh.writes_packet and hh.writes == ()
    assert noop.reads == () and noop.writes == ()
    assert all(p.runs == 0 and p.insns_executed == 0 and p.faults == 0 for p in progs)


def test_show_tail_calls():
    """A program that makes tail calls: how many programs its verdict covers."""
    text = """br0 1:
  handle: 1
  file: tail.o
  program: entry (section xdp)
  insns: 9
  maps: jmp (prog_array, key 4, value 4, max 4)
  reads: [12,14)
  writes: [0,6) [13,14) [40,41)
  writes_packet: true
  changes_length: false
  tail_calls: first at insn 4; the verdict covers 4 programs
  runs: 0
  insns_executed: 0
  faults: 0
"""
    (prog,) = parse_show(text)
    assert prog.tail_calls == 4 and BpfRange(40, 41) in prog.writes
    assert parse_show((DATA / "bpf-show.txt").read_text())[0].tail_calls is None
    with pytest.raises(ExtbenchError):
        parse_show(text.replace("covers 4 programs", "covers some"))


def test_empty_show():
    assert parse_show("") == []


def test_ranges():
    assert parse_ranges("[0,14) [23,end)") == (BpfRange(0, 14), BpfRange(23, None))
    assert parse_ranges("none") == ()
    with pytest.raises(ExtbenchError):
        parse_ranges("[0,14) garbage")


def test_show_rejects_unexpected_lines():
    with pytest.raises(ExtbenchError):
        parse_show("something else\n")


def test_map_dump():
    entries = parse_map_dump((DATA / "bpf-map-dump.txt").read_text())
    assert len(entries) == 2
    key, value = entries[1]
    assert key == bytes.fromhex("0a0000010a00000204d2138911000000")
    assert value[:2] == b"\x00\x04" and len(value) == 16
    assert parse_map_dump("") == []
    with pytest.raises(ExtbenchError):
        parse_map_dump("key=zz value=00\n")


def test_verdict_json():
    v = Verdict(accepted=True, insns=3, reads=(BpfRange(12, 14),),
                writes=(BpfRange(0, None),), writes_packet=True, changes_length=False)
    assert v.to_json() == {"accepted": True, "reason": None, "insns": 3, "reads": [[12, 14]],
                           "writes": [[0, None]], "writes_packet": True,
                           "changes_length": False, "tail_calls": None}
    t = Verdict(accepted=True, insns=3, writes_packet=False, changes_length=False, tail_calls=3)
    assert t.to_json()["tail_calls"] == 3


PERCPU_DUMP = """key=00000000 value=0500000000000000
  slot 0 (main): 0200000000000000
  slot 1 (pmd-c01/id:9): 0300000000000000
key=01000000 value=0000000000000000
  slot 0 (main): 0000000000000000
  slot 1 (pmd-c01/id:9): 0000000000000000
"""


def test_percpu_map_dump_sums_and_slots():
    """A per-CPU map's dump: the sums as entries, each slot's value apart."""
    from harness.bpf.ovs import parse_map_dump_slots

    assert parse_map_dump(PERCPU_DUMP) == [((0).to_bytes(4, "little"), (5).to_bytes(8, "little")),
                                           ((1).to_bytes(4, "little"), bytes(8))]
    slots = parse_map_dump_slots(PERCPU_DUMP)
    assert slots[bytes(4)] == {0: (2).to_bytes(8, "little"), 1: (3).to_bytes(8, "little")}
    with pytest.raises(ExtbenchError, match="unexpected line"):
        parse_map_dump_slots("slot 0: 00\n")


def test_kernel_percpu_sum_and_map_names():
    """The kernel's per-CPU values are added as the runtime adds them, and its names of
    global data maps become the sections' names."""
    from harness.bpf.kernel import ovs_map_name, percpu_sum

    assert percpu_sum([(2**64 - 1).to_bytes(8, "little"), (2).to_bytes(8, "little")]) == (
        (1).to_bytes(8, "little"))
    assert percpu_sum([b"\x01\x00\x02\x00\xff", b"\x01\x00\x02\x00\x02"]) == b"\x02\x00\x04\x00\x01"
    assert percpu_sum([(1).to_bytes(4, "little") * 3] * 2) == (2).to_bytes(4, "little") * 3
    assert [ovs_map_name(n) for n in ("xdp_obje.rodata", ".rodata.str1.1", "flows")] == [
        ".rodata", ".rodata.str1.1", "flows"]
