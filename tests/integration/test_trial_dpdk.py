"""The dpdk port type end to end: OVS-DPDK with vhost-user ports, the DPDK engine, Mininet.

Every variant forwards and delivers on dpdk ports as on the others; the engine sends the
packets the profile describes; its paced rate is the requested one; every lost packet is
counted somewhere; and a trial leaves no hugepage, socket, runtime dir or process behind,
whether it ends, is interrupted, or is killed (then ``extbench clean``).
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scapy.utils import rdpcap

from harness.clean import leftovers
from harness.dpdk import hugepages
from harness.traffic.dpdk import DpdkEngine
from harness.traffic.local import cycle
from harness.trial import Testbed, TrialSpec, run_trial

pytestmark = [pytest.mark.integration, pytest.mark.root]
EXTBENCH = [sys.executable, "-m", "harness.cli"]
OURS = re.compile(r"(xb-run-|mininet:xb|interface xb[hs]\d|xb-dpdk-)")
RATE, DURATION = 200_000, 1.0


def our_leftovers() -> list[str]:
    return [x for x in leftovers() if OURS.search(x)]


@pytest.fixture(scope="module")
def variants(built_variant):
    return {v: built_variant(v) for v in ("vanilla", "softflow", "oko", "verifier", "refined")}


@pytest.mark.parametrize("variant, extension, passes", [
    ("vanilla", None, 1.0), ("softflow", "noop", 2.0), ("oko", "noop", 1.0),
    ("verifier", "noop", 1.0), ("verifier", "ttl_dec", 2.0), ("verifier", "dnat", 2.0),
    ("refined", "ttl_dec", 1.0), ("refined", "dnat", 2.0),
])
def test_dpdk_trial_delivers_on_every_variant(variants, variant, extension, passes):
    pages_before = hugepages.total_pages()
    topology = "fanout" if extension == "dnat" else "p2p"
    r = run_trial(TrialSpec(variant=variant, extension=extension, topology=topology,
                            flows=100, duration_s=DURATION, rate_pps=RATE,
                            port_type="dpdk"))
    assert r["engine"] == "dpdk" and r["port_type"] == "dpdk"
    if extension:
        assert r["delivery"] == "correct", (r["tx_pkts"], r["rx_by_host"])
        assert r["bpf_runs"] >= 0.99 * r["ovs_pkts"]
    else:
        # What entered the switch came out (a stall of this shared machine may fill the
        # switch's receive ring: counted as ring_full, and checked below).
        assert r["rx_pkts"] >= 0.99 * (r["tx_pkts"] - r["ring_full"])
    assert r["passes_per_pkt"] == pytest.approx(passes, abs=0.01)
    # Paced by the TSC: the offered rate is the requested one.
    assert r["tx_pps"] == pytest.approx(RATE, rel=0.01)
    # Every lost packet is counted: refused by the switch's full receive ring (paced:
    # offered and lost there) or dropped by a switch port or the datapath.
    lost = r["tx_pkts"] - r["rx_pkts"]
    counted = (r["ring_full"] + sum(r["datapath_drops"].values())
               + sum(v for k, v in r.items() if k.startswith("ovs_port_")
                     and k.endswith("_dropped")))
    if extension != "dnat":  # dnat sends elsewhere what it rewrites: not a loss.
        assert abs(lost - counted) <= max(20, 0.001 * r["tx_pkts"]), (lost, counted)
    # vhost send retries are read from OpenFlow 1.4's custom statistics of every port.
    assert isinstance(r["ovs_port_tx_retries"], int) and r["ovs_port_tx_retries"] >= 0
    # The kernel saw none of it: no packet at any system port's socket.
    assert r["ovs_socket_drops"] == 0
    assert r["ovs_log_problems"] == []
    assert our_leftovers() == []
    assert hugepages.total_pages() == pages_before


def test_engine_sends_the_profiles_packets(variants, tmp_path):
    spec = TrialSpec(variant="vanilla", flows=50, duration_s=0.5, rate_pps=10_000,
                     port_type="dpdk")
    pcap = tmp_path / "rx.pcap"
    with Testbed(spec) as bed:
        assert isinstance(bed.engine, DpdkEngine)
        bed.dpdk.process.call(f"capture {bed.rx[0].port} 120 {pcap}")
        record = bed.measure(spec.rate_pps, spec.duration_s)
        expected = cycle(bed.streams, bed.tx.mac, bed.rx[0].mac)
    assert record["rx_pkts"] >= 120
    got = [bytes(p) for p in rdpcap(str(pcap))]
    # One receive queue, one PMD thread: the packets arrive as the profile sends them,
    # from the start of its cycle, unchanged by vanilla OVS.
    assert len(got) == 120
    assert got == [expected[i % len(expected)] for i in range(120)]
    assert len({p[26:38] for p in got}) == 50  # 50 flows (addresses and ports).


def test_latency_on_dpdk_ports(variants):
    r = run_trial(TrialSpec(variant="vanilla", flows=100, duration_s=DURATION,
                            rate_pps=100_000, latency_pps=1000, port_type="dpdk"))
    assert r["lat_clock"] == "tsc"
    assert r["lat_probes_sent"] >= 900 and r["lat_samples"] >= 0.95 * r["lat_probes_sent"]
    assert 0 < r["lat_min_us"] <= r["lat_p50_us"] <= r["lat_p99_us"] <= r["lat_max_us"]


def test_packet_groups_on_dpdk_ports(variants):
    # A TRex profile with flow statistics (profiles/udp_flows_stats.py: the load as group
    # 1, a latency stream as group 2): the record counts each group, and times group 2.
    r = run_trial(TrialSpec(variant="vanilla", profile="udp_flows_stats", flows=100,
                            duration_s=DURATION, rate_pps=50_000, port_type="dpdk"))
    load, lat = r["pg_stats"]["1"], r["pg_stats"]["2"]
    # One latency packet for every ten of the load, as the profile's rates say.
    assert lat["tx_pkts"] == pytest.approx(load["tx_pkts"] / 10, rel=0.02)
    assert load["tx_pkts"] + lat["tx_pkts"] == r["tx_pkts"]
    assert load["rx_pkts"] + lat["rx_pkts"] == r["rx_pkts"]
    assert "min_us" not in load
    assert 0 < lat["min_us"] <= lat["avg_us"] <= lat["max_us"]
    assert sum(lat["histogram_us"].values()) == lat["rx_pkts"]


def _start_trial(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / "r.json"
    p = subprocess.Popen([*EXTBENCH, "trial", "--variant", "vanilla", "--duration", "30",
                          "--rate", "100000", "--port-type", "dpdk", "--out", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    deadline = time.monotonic() + 90
    while not any(x.startswith("process") and "xb-dpdk-engine" in x for x in leftovers()):
        assert p.poll() is None, p.communicate()
        assert time.monotonic() < deadline, "trial did not start its DPDK engine"
        time.sleep(0.2)
    time.sleep(4)  # Into the sending phase.
    return p, out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_dpdk_trial_leaves_nothing(variants, tmp_path, sig):
    pages_before = hugepages.total_pages()
    p, out = _start_trial(tmp_path)
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode != 0 and "interrupted" in err
    assert not out.exists()
    assert our_leftovers() == []
    assert hugepages.total_pages() == pages_before
    assert not list(Path("/dev/hugepages").glob("xb-*")) if os.path.isdir(
        "/dev/hugepages") else True


def test_clean_removes_what_a_killed_dpdk_trial_left(variants, tmp_path):
    pages_before = hugepages.total_pages()
    p, _ = _start_trial(tmp_path)
    os.killpg(p.pid, signal.SIGKILL)  # No teardown at all.
    p.wait()
    assert our_leftovers() != []
    c = subprocess.run([*EXTBENCH, "clean"], capture_output=True, text=True)
    assert c.returncode == 0, c.stderr
    assert our_leftovers() == []
    assert hugepages.total_pages() == pages_before


def test_jumbo_frames_on_dpdk_ports(built_variant, tmp_path):
    # 9216-byte frames: the trial gives the vhost-user ports MTU 9216 (and the engine's
    # ports mergeable receive buffers); the receiver gets every packet whole, and every
    # lost one is counted (at 5000 pps: 370 Mbit/s).
    spec = TrialSpec(variant=built_variant("vanilla"), flows=20, pkt_size=9216,
                     duration_s=1.0, rate_pps=5_000, port_type="dpdk")
    pcap = tmp_path / "rx.pcap"
    with Testbed(spec) as bed:
        mtus = bed.ovs.vsctl("--columns=name,mtu", "--format=csv", "--no-headings", "list",
                             "interface")
        bed.dpdk.process.call(f"capture {bed.rx[0].port} 60 {pcap}")
        r = bed.measure(spec.rate_pps, spec.duration_s)
        expected = cycle(bed.streams, bed.tx.mac, bed.rx[0].mac)
    assert {len(p) for p in expected} == {9212}  # The profile's size, without the FCS.
    assert all(line.endswith(",9216") for line in mtus.split() if "xbs" in line), mtus
    lost = r["tx_pkts"] - r["rx_pkts"]
    counted = (r["ring_full"] + sum(r["datapath_drops"].values())
               + sum(v for k, v in r.items() if k.startswith("ovs_port_")
                     and k.endswith("_dropped")))
    assert r["tx_pkts"] >= 4900 and abs(lost - counted) <= 20, (lost, counted, r)
    assert r["rx_pkts"] >= 0.9 * r["tx_pkts"], r
    got = [bytes(p) for p in rdpcap(str(pcap))]
    assert got == [expected[i % len(expected)] for i in range(60)]
