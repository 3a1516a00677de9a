"""Rate search against a model switch whose capacity is known."""

import pytest

from harness.ndr import search


def model(capacity: float, engine_max: float = 1000.0, noise_loss: float = 0.0):
    """A switch that forwards up to 'capacity' pps and loses the rest."""
    def measure(rate):
        offered = engine_max if rate is None else rate
        rx = min(offered, capacity) * (1 - noise_loss)
        return {"tx_pps": offered, "rx_pps": rx, "loss_pct": 100 * (offered - rx) / offered}
    return measure


def test_finds_capacity_within_precision():
    r = search(model(613.0), kind="ndr", precision=0.01, max_iterations=20)
    assert r.rate_pps == pytest.approx(613.0, abs=10.0)
    assert r.rate_pps <= 613.0
    assert all("search_iteration" in it for it in r.iterations)
    assert r.iterations[0]["tx_pps"] == 1000.0  # First trial at the engine's maximum.


def test_first_trial_valid_stops_at_once():
    r = search(model(5000.0))
    assert len(r.iterations) == 1 and r.rate_pps == 1000.0


def test_pdr_tolerates_small_loss_ndr_does_not():
    assert search(model(5000.0, noise_loss=0.0005), kind="pdr").rate_pps == 1000.0
    assert search(model(5000.0, noise_loss=0.0005), kind="ndr", max_iterations=5).rate_pps \
        is None


def test_iteration_limit():
    r = search(model(613.0), max_iterations=4)
    assert len(r.iterations) == 4


def flaky(capacity: float, fail_every: int, engine_max: float = 1000.0):
    """A switch of known capacity whose every 'fail_every'-th trial loses a packet."""
    count = 0

    def measure(rate):
        nonlocal count
        count += 1
        offered = engine_max if rate is None else rate
        rx = min(offered, capacity) - (1 if count % fail_every == 0 else 0)
        return {"tx_pps": offered, "rx_pps": rx, "loss_pct": 100 * (offered - rx) / offered}
    return measure


def test_majority_outvotes_a_spurious_failure():
    # Single trials: one spurious failure near the top pins the answer far below capacity.
    single = search(flaky(613.0, fail_every=3), max_iterations=20)
    voted = search(flaky(613.0, fail_every=3), max_iterations=20, trials_per_rate=3)
    assert voted.rate_pps == pytest.approx(613.0, abs=10.0) and voted.rate_pps <= 613.0
    assert single.rate_pps < voted.rate_pps - 10.0


def test_each_load_stops_once_its_majority_is_known():
    r = search(model(613.0), max_iterations=20, trials_per_rate=3)
    per_load: dict[int, list[dict]] = {}
    for t in r.iterations:
        per_load.setdefault(t["search_iteration"], []).append(t)
    # A switch without noise: two agreeing trials decide every load.
    assert all(len(ts) == 2 for ts in per_load.values())
    assert all(t["rate_valid"] == t["valid"] for t in r.iterations)
    assert r.best is not None and r.best["tx_pps"] == r.rate_pps


def test_even_trials_per_rate_is_refused():
    with pytest.raises(ValueError, match="odd"):
        search(model(613.0), trials_per_rate=2)
