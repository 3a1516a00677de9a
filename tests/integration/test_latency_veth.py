"""The latency probe between real namespaces: a veth pair, and a router with a known queue.

The router test gives the path a delay and a loss that are known in advance: a token
bucket (tc tbf) on the router's way out to the receiver passes 30,000 bytes/s, half of
what 1000 probes/s of 60 bytes need, so its 3,000-byte queue fills and stays full: every
probe that gets through waits 3,000 / 30,000 s = 100 ms, and about half are dropped.
"""

import os
import time

import pytest

from harness.errors import ExtbenchError
from harness.proc import run, run_checked
from harness.traffic.endpoint import NetnsEndpoint
from harness.traffic.latency import LatencyProbe
from harness.traffic.vethpair import veth_pair

pytestmark = [pytest.mark.root, pytest.mark.integration]


@pytest.fixture(scope="module")
def pair():
    with veth_pair("lt", ("10.201.0.1/24", "10.201.0.2/24")) as (a, b):
        yield a, b


def test_all_probes_arrive_with_kernel_timestamps(pair):
    a, b = pair
    probe = LatencyProbe(a, b, pps=1000)
    with probe:
        workdir = probe.workdir
        start = time.monotonic()
        time.sleep(2.0)
        elapsed = time.monotonic() - start
    r = probe.result()
    # The sender keeps its rate within what a loaded 2-core machine allows.
    assert 0.8 * 1000 * elapsed <= r["lat_probes_sent"] <= 1000 * (elapsed + 0.5)
    assert r["lat_probes_received"] == r["lat_samples"] == r["lat_probes_sent"]
    assert r["lat_probes_lost"] == r["receiver_socket_drops"] == 0
    assert 0 < r["lat_min_us"] <= r["lat_p50_us"] <= r["lat_p99_us"] <= r["lat_max_us"]
    assert r["lat_max_us"] < 5000  # A veth pair: microseconds, a few ms at worst.
    # Each kernel timestamp lies between the clock reads around the send and the receive:
    # the timestamps are real, in order, and on the clock the processes read.
    s, rcv = probe.ends["send"], probe.ends["recv"]
    assert s["seq"] == rcv["seq"]
    for before, tx, rx, after in zip(s["user_ns"], s["ns"], rcv["ns"], rcv["user_ns"],
                                     strict=True):
        assert before <= tx <= rx <= after
    assert not os.path.exists(workdir)


def test_failure_in_the_block_stops_both_ends(pair):
    a, b = pair
    probe = LatencyProbe(a, b, pps=1000)
    with pytest.raises(RuntimeError, match="engine failed"), probe:
        procs, workdir = list(probe._procs), probe.workdir
        raise RuntimeError("engine failed")
    assert all(p.poll() is not None for p in procs) and not os.path.exists(workdir)
    with pytest.raises(ExtbenchError, match="no result"):
        probe.result()


def test_missing_interface_fails_with_the_ends_message(pair):
    a, _ = pair
    ghost = NetnsEndpoint(a.netns, "xbnosuch")
    ghost.__dict__["_addr"] = {"address": "02:00:00:00:00:09",
                               "addr_info": [{"family": "inet", "local": "10.201.0.9"}]}
    with pytest.raises(ExtbenchError, match="recv end in .* did not start: .*No such device"):
        with LatencyProbe(a, ghost, pps=1000):
            pass


@pytest.fixture(scope="module")
def routed():
    """a → m → b, with a full 100 ms tbf queue on m's interface towards b."""
    ns = {end: f"xb-lr-{end}" for end in "amb"}
    made = []
    try:
        for name in ns.values():
            run_checked(["ip", "netns", "add", name])
            made.append(name)
        for end in "ab":
            run_checked(["ip", "link", "add", f"xblr{end}", "netns", ns[end], "type", "veth",
                         "peer", "name", f"xblrm{end}", "netns", ns["m"]])
        subnet = {"a": 1, "b": 2}
        for end in "ab":
            net = f"10.202.{subnet[end]}"
            for where, intf, host in ((end, f"xblr{end}", 1), ("m", f"xblrm{end}", 2)):
                run_checked(["ip", "-n", ns[where], "addr", "add", f"{net}.{host}/24",
                             "dev", intf])
                run_checked(["ip", "-n", ns[where], "link", "set", intf, "up"])
            run_checked(["ip", "-n", ns[end], "route", "add", "default", "via", f"{net}.2"])
        run_checked(["ip", "netns", "exec", ns["m"], "sysctl", "-qw", "net.ipv4.ip_forward=1"])
        run_checked(["ip", "netns", "exec", ns["m"], "tc", "qdisc", "add", "dev", "xblrmb",
                     "root", "tbf", "rate", "240kbit", "burst", "1600", "limit", "3000"])
        yield (NetnsEndpoint(ns["a"], "xblra"), NetnsEndpoint(ns["b"], "xblrb"),
               NetnsEndpoint(ns["m"], "xblrmb"))
    finally:
        for name in reversed(made):
            run(["ip", "netns", "del", name])


def _qdisc_drops(router: NetnsEndpoint) -> int:
    out = router.run(["tc", "-s", "qdisc", "show", "dev", router.intf])
    return int(out.split("dropped ")[1].split(",")[0])


def test_known_queueing_delay_and_loss_are_measured(routed):
    a, b, router = routed
    drops_before = _qdisc_drops(router)
    with LatencyProbe(a, b, pps=1000) as probe:
        time.sleep(3.0)
    r = probe.result()
    drops = _qdisc_drops(router) - drops_before
    # About half the probes are dropped, all of them by the queue (ARP may add a couple).
    assert 0.3 * r["lat_probes_sent"] < r["lat_probes_lost"] < 0.7 * r["lat_probes_sent"]
    assert r["lat_probes_lost"] <= drops <= r["lat_probes_lost"] + 5
    # Once the queue is full (after 0.1 s), every probe waits 100 ms in it.
    assert r["lat_p50_us"] == pytest.approx(100_000, rel=0.05)
    assert r["lat_p99_us"] == pytest.approx(100_000, rel=0.05)
    assert r["lat_min_us"] < 1000  # The first probes found the queue empty.
