"""Scoring a trial's delivery against the extension's declared effect on its profile."""

from harness.bpf import metadata
from harness.traffic.engine import Drops, TrafficResult
from harness.trial import delivery


def result(tx: int, rx: dict[str, int]) -> TrafficResult:
    return TrafficResult.from_counts("local", 1000.0, 1.0, tx, rx)


EXPECTED = {"receivers": ["h1", "h3"], "delivered": 0.6667}


def test_two_thirds_to_the_named_receivers_is_correct():
    assert delivery(EXPECTED, result(3000, {"xbh1": 1000, "xbh3": 1000}))["delivery"] == \
        "correct"
    assert delivery(EXPECTED, result(3000, {"xbh1": 1500, "xbh3": 1500}))["delivery"] == \
        "wrong"
    # Packets at a host that should get none are wrong even if the total is right.
    assert delivery({"receivers": ["h1"], "delivered": 0.6667},
                    result(3000, {"xbh1": 1000, "xbh3": 1000}))["delivery"] == "wrong"


def test_latency_probes_are_not_counted_as_the_profiles_packets():
    # 1000 probes from the sender to h1, all dropped: without discounting them, 2000 of
    # 4000 packets (0.5) would arrive instead of two thirds.
    r = result(4000, {"xbh1": 1000, "xbh3": 1000})
    assert delivery(EXPECTED, r)["delivery"] == "wrong"
    assert delivery(EXPECTED, r, {"sent": 1000, "xbh1": 0})["delivery"] == "correct"


def test_packets_the_switchs_full_ring_refused_did_not_meet_the_extension():
    # dpdk, paced: 300 of 3000 packets refused at the switch's receive ring; of the 2700
    # that entered, two thirds arrived.
    r = TrafficResult.from_counts("dpdk", 1000.0, 1.0, 3000, {"xbh1": 900, "xbh3": 900},
                                  Drops(ring_full=300))
    assert delivery(EXPECTED, r)["delivery"] == "correct"
    assert delivery(EXPECTED, result(3000, {"xbh1": 900, "xbh3": 900}))["delivery"] == "wrong"


def test_no_declared_effect_or_an_overloaded_switch_is_not_scored():
    assert delivery(None, result(100, {"xbh2": 100}))["delivery"] == "not scored"
    at_max = TrafficResult.from_counts("local", None, 1.0, 4000, {"xbh1": 900, "xbh3": 900})
    assert delivery(EXPECTED, at_max)["delivery"] == "not scored"


def test_the_entry_for_the_trials_profile_and_topology_is_chosen():
    fw = metadata.load("stateful_fw")
    assert fw.traffic("fw_mix", "gateway", ["h1", "h3"])["delivered"] == 0.6667
    assert fw.traffic("fw_mix", "p2p", ["h2"]) is None
    assert fw.traffic("udp_flows", "p2p", ["h2"])["delivered"] == 1.0
    # An entry for any topology holds only where its receivers receive: on gateway, h2
    # is the sender.
    assert fw.traffic("udp_flows", "gateway", ["h1", "h3"]) is None
    dnat = metadata.load("dnat")
    assert dnat.traffic("udp_flows", "p2p", ["h2"]) is None
    assert dnat.traffic("udp_flows", "fanout", ["h2", "h3"])["receivers"] == ["h3"]
