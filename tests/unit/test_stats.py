"""Parsers of ovs-appctl output, against output saved from a real ovs-vswitchd 3.1.0."""

from pathlib import Path

from harness.ovs import stats

DATA = Path(__file__).parent / "data"


def test_pmd_stats_main_thread():
    threads = stats.parse_pmd_stats((DATA / "pmd-stats-show.txt").read_text())
    assert list(threads) == ["main thread"]
    main = threads["main thread"]
    assert main["packets"] == 40
    assert main["megaflow_hits"] == 38
    assert main["upcalls"] == 2
    assert main["emc_hits"] == 0


def test_pmd_stats_sum_accounts_for_every_packet():
    total = stats.sum_pmd_stats((DATA / "pmd-stats-show.txt").read_text())
    hits = sum(total[k] for k in ("simple_match_hits", "emc_hits", "smc_hits",
                                  "megaflow_hits", "upcalls", "failed_upcalls"))
    assert hits == total["packets"] + total["recirculations"]
    assert total["passes_per_pkt"] == 1.0


def test_pmd_stats_pmd_threads_are_summed():
    text = (DATA / "pmd-stats-show.txt").read_text()
    pmd = text.replace("main thread:", "pmd thread numa_id 0 core_id 1:")
    total = stats.sum_pmd_stats(text + pmd)
    assert total["packets"] == 80


def test_dp_flow_count():
    assert stats.parse_dp_flow_count((DATA / "dpctl-show.txt").read_text()) == 2


def test_coverage():
    cov = stats.parse_coverage((DATA / "coverage-show.txt").read_text())
    assert cov and all(isinstance(v, int) for v in cov.values())
    assert "netdev_sent" in cov


def test_port_drops_are_summed_over_ports():
    # Real dump-ports output of a bridge with one port, its drop counts edited in.
    text = (DATA / "dump-ports.txt").read_text()
    assert stats.parse_port_counters(text) == {"rx_dropped": 5, "rx_errors": 0,
                                               "tx_dropped": 7, "tx_errors": 0,
                                               "tx_retries": 0}


def test_vhost_retries_from_openflow14_custom_statistics():
    # Real OpenFlow 1.4 dump-ports of a bridge with two dpdkvhostuserclient ports after a
    # dpdk trial, ovs_tx_retries edited to 4 and 11.
    text = (DATA / "dump-ports-of14.txt").read_text()
    counters = stats.parse_port_counters(text)
    assert counters["tx_retries"] == 15
    assert counters["tx_dropped"] == 2720 and counters["rx_dropped"] == 0


def test_socket_drops_of_one_process():
    text = (DATA / "ss-packet-sockets.txt").read_text()
    assert stats.parse_socket_drops(text, 26899) == 298
    assert stats.parse_socket_drops(text, 2689) == 0  # Another process (a prefix of it).


def test_socket_drops_on_detail_lines():
    # With -e, ss puts skmem on an indented line after the socket's own.
    text = ('p_raw 0 0 *:xbs1-eth1 * users:(("ovs-vswitchd",pid=7,fd=37)) ino:1 sk:2\n'
            "\tver:0 cpy_thresh:0 flags( running auxdata ) skmem:(r0,rb212992,t0,o176,bl0,d135)\n"
            'p_raw 0 0 *:eth0 * users:(("other",pid=8,fd=5)) ino:3 sk:4\n'
            "\tver:0 skmem:(r0,rb212992,t0,tb212992,f0,w0,o0,bl0,d7)\n")
    assert stats.parse_socket_drops(text, 7) == 135
