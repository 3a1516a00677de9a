"""Mixing streams' cycles in proportion to their rates."""

import pytest

from harness.errors import ExtbenchError
from harness.traffic.mix import interleave, mix, shares


def test_shares_are_whole_periods_in_proportion():
    # Periods 2 and 3 at rates 1:3: 2 packets of A and 6 (two periods) of B.
    assert shares([2, 3], [1000, 3000], max_packets=100) == [2, 6]


def test_shares_within_tolerance_for_awkward_rates():
    counts = shares([1, 1], [1, 7.3], max_packets=10_000)
    assert counts[1] / sum(counts) == pytest.approx(7.3 / 8.3, rel=0.01)


def test_interleave_spreads_evenly_and_keeps_each_stream_in_order():
    out = interleave([[b"a0", b"a1"], [b"b0", b"b1", b"b2"]], [2, 6])
    assert out.count(b"a0") == 1 and out.count(b"a1") == 1
    assert [p for p in out if p.startswith(b"b")] == [b"b0", b"b1", b"b2"] * 2
    assert out.index(b"a0") < out.index(b"a1") and out.index(b"a1") - out.index(b"a0") == 4


def test_single_stream_is_its_own_cycle():
    assert mix([[b"x", b"y"]], [5.0], max_packets=10) == [b"x", b"y"]


def test_impossible_mix_is_an_error():
    with pytest.raises(ExtbenchError, match="cannot mix streams"):
        mix([[b"a"] * 1000, [b"b"] * 1000], [1, 1000], max_packets=32_768)
    with pytest.raises(ExtbenchError, match="positive"):
        shares([1, 1], [0, 1], max_packets=10)
