"""The engine base class: ordering, cleanup on failure, results, registry."""

import pytest

from harness.errors import ExtbenchError
from harness.traffic import get_engine
from harness.traffic.engine import Drops, Engine, TrafficResult


class Recorder(Engine):
    """An engine that records its hooks; 'fail' names a hook that raises."""

    name = "recorder"

    def __init__(self, fail: str | None = None):
        self.calls: list[str] = []
        self.fail = fail

    def _hook(self, name, value=None):
        self.calls.append(name)
        if name == self.fail:
            raise ExtbenchError(f"{name} failed")
        return value

    def _prepare(self, streams, tx, rx):
        self._hook("prepare")

    def _start(self, rate_pps, duration_s):
        self._hook("start")

    def _wait(self, rate_pps, duration_s):
        return self._hook("wait", 2.0)

    def _stop(self):
        self._hook("stop")

    def _collect(self):
        return self._hook("collect", (1000, {"h2": 600, "h3": 300}))

    def _warmup(self, rate_pps):
        self._hook(f"warmup {rate_pps:.0f}")

    def _drops(self):
        return Drops(sender=3, receiver=7)


def test_run_orders_the_hooks_and_derives_the_result():
    e = Recorder()
    r = e.run(["s"], tx="h1", rx=["h2", "h3"], rate_pps=500.0, duration_s=2.0)
    assert e.calls == ["prepare", "start", "wait", "stop", "collect"]
    assert (r.engine, r.offered_pps, r.tx_pkts, r.rx_pkts) == ("recorder", 500.0, 1000, 900)
    assert (r.tx_pps, r.rx_pps, r.loss_pct) == (500.0, 450.0, 10.0)
    assert (r.sender_drops, r.receiver_drops) == (3, 7)


@pytest.mark.parametrize("fail", ["prepare", "start", "wait"])
def test_stop_runs_whatever_fails(fail):
    e = Recorder(fail)
    with pytest.raises(ExtbenchError, match=f"{fail} failed"):
        e.run(["s"], tx="h1", rx=["h2"])
    assert e.calls[-1] == "stop" and "collect" not in e.calls


def test_warmup_prepares_sends_and_stops():
    e = Recorder()
    e.warmup(["s"], "h1", ["h2"])
    assert e.calls == ["prepare", "warmup 10000", "stop"]


@pytest.mark.parametrize("kwargs, msg", [
    ({"rate_pps": 0}, "rate_pps must be positive"),
    ({"duration_s": 0}, "duration_s must be positive"),
    ({"rx": []}, "no receiving endpoints"),
])
def test_bad_arguments_fail_before_anything_starts(kwargs, msg):
    e = Recorder()
    args = {"tx": "h1", "rx": ["h2"], **kwargs}
    with pytest.raises(ExtbenchError, match=msg):
        e.run(["s"], **args)
    assert e.calls == []


def test_nothing_sent_is_an_error_not_a_result():
    with pytest.raises(ExtbenchError, match="no packets counted at the sender"):
        TrafficResult.from_counts("local", None, 1.0, 0, {"h2": 0})


def test_unknown_engine_lists_the_choices():
    with pytest.raises(ExtbenchError, match=r"unknown engine 'nope' \(known: local, trex\)"):
        get_engine("nope")
