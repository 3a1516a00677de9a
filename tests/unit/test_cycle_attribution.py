"""The cycle attribution benchmark's sample categories and perf report parsing."""

from pathlib import Path

import pytest

from benchmarks.cycle_attribution import CATEGORY_NAMES, categorize, parse_report

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("dso,symbol,category", [
    ("[JIT] tid 9628", "0x00007fd883e0a046", "bpf"),
    ("ovs-vswitchd", "bpf_jit_run", "bpf"),
    ("ovs-vswitchd", "filter_chain_check", "bpf"),
    ("ovs-vswitchd", "htab_find", "bpf"),
    ("ovs-vswitchd", "ebpf_map_lookup", "bpf"),
    ("librte_vhost.so.23.0", "0x0000000000035633", "vhost_io"),
    ("ovs-vswitchd", "netdev_dpdk_vhost_rxq_recv", "vhost_io"),
    ("ovs-vswitchd", "rte_pktmbuf_free", "vhost_io"),
    ("ovs-vswitchd", "miniflow_extract", "parsing"),
    ("ovs-vswitchd", "dp_netdev_input__", "classification"),
    ("libc.so.6", "__memcmp_evex_movbe", "classification"),
    ("ovs-vswitchd", "dp_execute_output_action", "actions_output"),
    ("ovs-vswitchd", "handle_packet_upcall", "upcalls"),
    ("[vdso]", "__vdso_clock_gettime", "polling_time"),
    ("ovs-vswitchd", "dp_netdev_process_rxq_port", "polling_time"),
    ("[kernel.kallsyms]", "handle_softirqs", "kernel"),
    ("ld-linux-x86-64.so.2", "_dl_runtime_resolve", "other"),
])
def test_categories(dso, symbol, category):
    assert categorize(dso, symbol) == category
    assert category in CATEGORY_NAMES


def test_report_of_oko_with_a_noop_filter():
    # Real `perf report --sort dso,sym` of oko's PMD thread, one noop filter, dpdk ports
    # (lines under 0.3 % left out).
    shares = parse_report((DATA / "perf-report-oko-noop.txt").read_text())
    assert set(shares) <= set(CATEGORY_NAMES)
    # The lines printed add up to 83.25 %; the rest (lines under 0.3 %) is 'other'.
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["other"] >= 1 - 0.8325 - 1e-9
    # The filter's share: its JIT code, bpf_jit_run, bpf_registry_get, bpf_prog_run_data,
    # filter_chain_check and filter_run__.
    assert shares["bpf"] == pytest.approx(0.0533, abs=1e-6)
    assert shares["vhost_io"] > shares["parsing"] > 0
