"""The datapath instruction benchmark's parsing: callgrind dumps, callgrind_annotate
output, pmd-stats-show, configurations, ratios."""

import shutil
from pathlib import Path

import pytest

from benchmarks.datapath_instructions import (
    Result,
    add_ratios,
    function_deltas,
    output_batch,
    parse_config,
    per_packet,
    sequence,
    table,
)
from harness import callgrind
from harness.errors import ExtbenchError

DATA = Path(__file__).parent / "data"
#: A real dump: oko-fold, 10 port_filter filters folded, 1000 packets on EMC hits.
DUMP = DATA / "callgrind-oko-fold-chain10.out"


def test_total_of_a_real_dump_is_its_totals_line():
    assert callgrind.parse_total(DUMP.read_text()) == 540151


def test_total_falls_back_to_summary_and_refuses_a_file_without_either():
    assert callgrind.parse_total("events: Ir\nsummary: 1234\n") == 1234
    with pytest.raises(ExtbenchError, match="no 'totals:' or 'summary:'"):
        callgrind.parse_total("events: Ir\n")


def test_annotate_of_the_real_dump_leaves_out_the_frames_below_the_toggle():
    costs = callgrind.parse_annotate((DATA / "callgrind-annotate-oko-fold-chain10.txt")
                                     .read_text())
    assert not any("below main" in n or "libc_start" in n or "0x" in n for n in costs)
    # Inlined parts (dp-packet.h:miniflow_extract, hash.h:miniflow_extract …) add up.
    assert costs["miniflow_extract"] == 264000
    assert costs["filter_fold_chain_check"] == 57000
    assert costs["filter_fold_l4_complete.part.0"] == 27000
    # Self costs add up to the dump's total (the "totals:" line).
    assert sum(costs.values()) == callgrind.parse_total(DUMP.read_text())


@pytest.mark.skipif(shutil.which("callgrind_annotate") is None,
                    reason="needs valgrind's callgrind_annotate")
def test_annotate_runs_callgrind_annotate_on_a_dump():
    assert callgrind.annotate(DUMP)["filter_fold_chain_check"] == 57000


def test_inclusive_annotate_gives_the_upcall_functions():
    costs = callgrind.parse_annotate((DATA / "callgrind-annotate-upcall-inclusive.txt")
                                     .read_text())
    assert costs["dp_netdev_upcall"] == 298030
    # dp_netdev_flow_add's own lines and its inlined parts (hash.h, flow.h).
    assert costs["dp_netdev_flow_add"] == 8204 + 271 + 235 + 209
    assert costs["dp_netdev_input__"] > costs["dp_netdev_upcall"]


@pytest.mark.parametrize("location, name", [
    ("/src/lib/flow.c:miniflow_extract [/x/sbin/ovs-vswitchd]", "miniflow_extract"),
    ("/src/lib/hash.h:miniflow_extract", "miniflow_extract"),
    ("???:0x0000000004845000 [???]", callgrind.ANONYMOUS),
    ("???:0x000000000001ab70 [/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2]",
     "ld-linux-x86-64.so.2:0x000000000001ab70"),
    ("./string/memcmp.S:__memcmp_avx2_movbe [/usr/lib/libc.so.6]", "__memcmp_avx2_movbe"),
])
def test_function_names(location, name):
    assert callgrind.function_name(location) == name


def test_output_batch_of_the_main_thread():
    assert output_batch((DATA / "pmd-stats-show.txt").read_text()) == 1.0
    assert output_batch("main thread:\n  packets received: 3\n") is None


@pytest.mark.parametrize("text, expected", [
    ("vanilla:none", ("vanilla", "none")),
    ("oko-fold:port_filter-chain10", ("oko-fold", "port_filter-chain10")),
])
def test_configurations(text, expected):
    assert parse_config(text) == expected


@pytest.mark.parametrize("text", ["vanilla", ":noop", "oko:", ""])
def test_bad_configurations_name_the_input(text):
    with pytest.raises(ExtbenchError, match=f"configuration '{text}'"):
        parse_config(text)


def test_sequence_cycles_through_the_distinct_packets():
    assert sequence([b"a", b"b", b"c"], 7) == [b"a", b"b", b"c", b"a", b"b", b"c", b"a"]
    with pytest.raises(ExtbenchError, match="nothing to send"):
        sequence([], 3)


def result(variant: str, extension: str, cache: str, insns: int,
           functions: dict[str, float] | None = None) -> Result:
    return Result(variant=variant, extension=extension, cache=cache, packets=100,
                  forwarded=100, expected_forwarded=100, instructions=insns,
                  insns_per_pkt=insns / 100, emc_hits=100, smc_hits=0, megaflow_hits=0,
                  megaflows=1, output_batch=32.0, bpf_runs_per_pkt=None, warmup_packets=10,
                  warmup_upcalls=1, upcall_insns=25000.0, functions_per_pkt=functions or {})


def test_ratios_are_to_vanilla_under_the_same_cache():
    rs = [result("vanilla", "none", "emc1", 40000), result("oko", "noop", "emc1", 50000),
          result("vanilla", "none", "megaflow", 100000),
          result("oko", "noop", "megaflow", 110000), result("oko", "none", "smc", 1000)]
    add_ratios(rs)
    assert [r.ratio_to_vanilla for r in rs] == [1.0, 1.25, 1.0, 1.1, None]


def test_function_deltas_and_table():
    base = result("vanilla", "none", "emc1", 40000, {"miniflow_extract": 264.0})
    fold = result("oko-fold", "port_filter-chain10", "emc1", 53900,
                  {"miniflow_extract": 264.0, "filter_fold_chain_check": 57.0})
    assert function_deltas(fold, base, 5)[0] == ("filter_fold_chain_check", 57.0)
    add_ratios([base, fold])
    text = table([base, fold], 5)
    assert "oko-fold:port_filter-chain10" in text and "1.347" in text
    assert "filter_fold_chain_check +57.0" in text


def test_per_packet_drops_what_is_below_the_threshold():
    assert per_packet({"a": 1000, "b": 10, "c": 300}, 100) == {"a": 10.0, "c": 3.0}
