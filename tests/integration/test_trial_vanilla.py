"""End to end on vanilla OVS: build, Mininet, traffic from a TRex profile, one record.

Also: bad input fails before anything is created, and a trial leaves nothing behind
when it succeeds, when it is interrupted, and (after extbench clean) when it is killed.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.clean import leftovers
from harness.trial import TrialSpec, run_trial

pytestmark = [pytest.mark.integration, pytest.mark.root]
EXTBENCH = [sys.executable, "-m", "harness.cli"]
OURS = re.compile(r"(xb-run-|mininet:xb|interface xb[hs]\d)")


def our_leftovers() -> list[str]:
    """Leftovers of trials (not of other tests' namespaces)."""
    return [x for x in leftovers() if OURS.search(x)]


def assert_losses_accounted(record: dict) -> None:
    """Every packet sent and not received is counted as a drop somewhere."""
    lost = record["tx_pkts"] - record["rx_pkts"]
    accounted = (record["sender_drops"] + record["receiver_drops"]
                 + record["ovs_socket_drops"] + sum(record["datapath_drops"].values())
                 + sum(v for k, v in record.items()
                       if k.startswith("ovs_port_") and k.endswith("_dropped")))
    assert abs(lost - accounted) <= max(20, 0.001 * record["tx_pkts"]), (lost, accounted)


@pytest.fixture(scope="module")
def vanilla(built_variant):
    return built_variant("vanilla")


def test_fixed_rate_trial_delivers_and_counters_add_up(vanilla):
    record = run_trial(TrialSpec(variant=vanilla, flows=1000, pkt_size=64, duration_s=2,
                                 rate_pps=20000))
    assert record["rx_pkts"] > 0.9 * 2 * 20000
    assert record["loss_pct"] < 1.0
    # Every packet OVS received was answered by exactly one cache level or an upcall.
    hits = sum(record[k] for k in ("simple_match_hits", "emc_hits", "smc_hits",
                                   "megaflow_hits", "upcalls", "failed_upcalls"))
    assert hits == record["ovs_pkts"] + record["recirculations"]
    assert record["ovs_pkts"] >= record["rx_pkts"]
    assert record["passes_per_pkt"] == pytest.approx(1.0)
    # Warm-up installed the megaflows: the measured packets hit caches, not upcalls.
    assert record["upcalls"] <= 0.01 * record["ovs_pkts"]
    assert record["megaflows"] >= 1
    # Nothing is lost anywhere at this low rate, and each place says so.
    for where in ("sender_drops", "receiver_drops", "ovs_port_rx_dropped",
                  "ovs_port_tx_dropped", "ovs_port_rx_errors", "ovs_port_tx_errors",
                  "ovs_port_tx_retries"):
        assert record[where] == 0, where
    # At this rate only an occasional stall of the switch loses packets, at its sockets.
    assert_losses_accounted(record)
    assert record["ovs_log_problems"] == []
    assert len(record["variant_manifest_sha256"]) == 64
    assert record["kernel"] and record["cpu_model"] and record["git_revision"]
    assert our_leftovers() == []


def test_max_rate_trial(vanilla, tmp_path):
    out = tmp_path / "r.json"
    p = subprocess.run([*EXTBENCH, "trial", "--variant", vanilla, "--flows", "100",
                        "--duration", "2", "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    record = json.loads(out.read_text())
    assert record["offered_pps"] is None and record["rx_pps"] > 10000
    # Overloaded, the switch loses packets, and the record says where each one went.
    assert record["tx_pkts"] > record["rx_pkts"]
    assert_losses_accounted(record)
    assert our_leftovers() == []


def test_rate_search_keeps_every_trial(vanilla, tmp_path):
    out = tmp_path / "r.json"
    p = subprocess.run([*EXTBENCH, "ndr", "--variant", vanilla, "--flows", "100",
                        "--duration", "1", "--max-iterations", "3", "--trials-per-rate", "3",
                        "--out", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    record = json.loads(out.read_text())
    trials = record["search_iterations"]
    assert record["trial_kind"] == "ndr" and record["search_trials_per_rate"] == 3
    assert trials[0]["offered_pps"] is None  # The first load is the engine's maximum.
    loads = {t["search_iteration"] for t in trials}
    assert 1 <= len(loads) <= 3 and 2 * len(loads) <= len(trials) <= 3 * len(loads)
    for t in trials:
        assert t["valid"] == (t["loss_pct"] == 0)
    if record["search_rate_pps"] is not None:
        answer = [t for t in trials if t["rate_valid"]]
        assert answer and record["tx_pps"] in [t["tx_pps"] for t in answer]
    assert our_leftovers() == []


@pytest.mark.parametrize("args, message", [
    (["--variant", "nope"], "unknown variant 'nope'"),
    (["--variant", "vanilla", "--topology", "nope"], "unknown topology 'nope'"),
    (["--variant", "vanilla", "--profile", "nope"], "unknown profile 'nope'"),
])
def test_bad_input_fails_cleanly(vanilla, tmp_path, args, message):
    out = tmp_path / "r.json"
    p = subprocess.run([*EXTBENCH, "trial", *args, "--duration", "1", "--out", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert message in p.stderr and "Traceback" not in p.stderr
    assert not out.exists()
    assert our_leftovers() == []


def test_needs_root(vanilla, tmp_path):
    out = tmp_path / "r.json"
    os.chmod(tmp_path, 0o777)
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        *EXTBENCH, "trial", "--variant", vanilla, "--out", str(out)],
                       capture_output=True, text=True, cwd="/")
    assert p.returncode == 2 and "need root" in p.stderr
    assert not out.exists()


def _start_trial(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / "r.json"
    p = subprocess.Popen([*EXTBENCH, "trial", "--variant", "vanilla", "--duration", "30",
                          "--rate", "10000", "--out", str(out)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not any("interface xbs1-eth1" in x for x in leftovers()):
        assert p.poll() is None, p.communicate()
        assert time.monotonic() < deadline, "trial did not start its network"
        time.sleep(0.2)
    time.sleep(2)  # Into the sending phase.
    return p, out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_trial_tears_down(vanilla, tmp_path, sig):
    p, out = _start_trial(tmp_path)
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode != 0 and "interrupted" in err
    assert not out.exists()
    assert our_leftovers() == []


def test_clean_removes_what_a_killed_trial_left(vanilla, tmp_path):
    p, out = _start_trial(tmp_path)
    os.killpg(p.pid, signal.SIGKILL)  # No teardown at all.
    p.wait()
    assert our_leftovers() != []
    c = subprocess.run([*EXTBENCH, "clean"], capture_output=True, text=True)
    assert c.returncode == 0, c.stderr
    assert our_leftovers() == []
    again = subprocess.run([*EXTBENCH, "clean"], capture_output=True, text=True)
    assert again.returncode == 0
