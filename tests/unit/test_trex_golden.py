"""The local engine against TRex's own simulator: golden pcaps of TRex's example profiles.

Runs when TREX_CORE names a checkout of trex-core (scripts/stl and scripts/exp): every
golden pcap that ``benchmarks.trex_golden`` knows must match packet for packet and µs for
µs, except those of profiles with flow statistics, which the engines refuse.
"""

import os
from pathlib import Path

import pytest

from benchmarks.trex_golden import GOLDEN, compare

TREX_CORE = Path(os.environ.get("TREX_CORE", "/nonexistent"))
REFUSED = {"flow_stats", "flow_stats_latency"}

pytestmark = pytest.mark.skipif(not (TREX_CORE / "scripts" / "exp").is_dir(),
                                reason="TREX_CORE does not name a trex-core checkout")


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_pcap(name):
    verdict = compare(TREX_CORE, name)
    if name in REFUSED:
        assert verdict.startswith("refused: ") and "flow_stats" in verdict
    else:
        assert verdict == "same"
