"""The latency probe in a trial: vanilla OVS in Mininet (p2p), probes beside the load."""

import subprocess
import sys

import pytest

from harness.trial import TrialSpec, run_trial

pytestmark = [pytest.mark.integration, pytest.mark.root]


@pytest.fixture(scope="module")
def vanilla(built_variant):
    return built_variant("vanilla")


def _probe_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "harness.traffic.latency" in line]


def test_trial_record_has_latency_through_the_switch(vanilla):
    record = run_trial(TrialSpec(variant=vanilla, duration_s=2, rate_pps=20000,
                                 latency_pps=1000))
    assert record["spec"]["latency_pps"] == 1000 and record["lat_pps"] == 1000
    # About 1000 probes a second for the 2 s of load, plus the engine's start and drain.
    assert 1500 <= record["lat_probes_sent"] <= 6000
    assert record["lat_probes_received"] >= 0.99 * record["lat_probes_sent"]
    assert record["lat_samples"] == record["lat_probes_received"]
    # Through ovs-vswitchd's main thread: tens of µs at least, a few ms at worst here.
    assert 0 < record["lat_min_us"] <= record["lat_p50_us"] <= record["lat_p99_us"]
    assert record["lat_p99_us"] <= record["lat_max_us"] < 100_000
    assert _probe_processes() == []


def test_bad_probe_rate_fails_before_anything_starts(vanilla):
    p = subprocess.run([sys.executable, "-m", "harness.cli", "trial", "--variant", vanilla,
                        "--duration", "1", "--latency-pps", "0"], capture_output=True,
                       text=True)
    assert p.returncode == 2
    assert p.stderr.strip() == "extbench trial: latency_pps must be in (0, 100000], got 0.0"
