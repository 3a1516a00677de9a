"""Compare the local engine's packets with TRex's own simulator outputs (golden pcaps).

TRex's repository keeps, for many of its example profiles (scripts/stl), the pcap its
simulator (bp-sim, the data path of one TRex core) wrote for them (scripts/exp/<name>.pcap,
made with ``-m 1 -l N``: multiplier 1, the first N packets; see its
regression/functional_tests/stl_basic_tests.py). This script compiles each such profile,
computes what the local and dpdk engines send (``local.timed``: TRex's scheduler and
field engine), and compares packet by packet and time by time, as TRex's own test does
(packets with the same timestamp compared as a set; times relative to the first packet,
within 1 µs: the pcaps keep µs). Ethernet addresses come from the golden pcap (the
simulator's port configuration).

    .venv/bin/python -m benchmarks.trex_golden TREX_CORE_DIR [NAME ...]

TREX_CORE_DIR: a checkout of cisco-system-traffic-generator/trex-core (scripts/stl and
scripts/exp). Prints one line per profile; exit status 1 if any differs.
"""

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from scapy.utils import RawPcapReader

from harness.errors import ExtbenchError
from harness.traffic.local import timed
from harness.traffic.profile import compile_file

#: Golden pcaps made with one core and what they need: {name: (profile, tunables)}.
GOLDEN = {
    "burst_3st_600pkt": ("burst_3st_600pkt", {}),
    "burst_3st_loop_x_times": ("burst_3st_loop_x_times", {}),
    "multi_burst_2st_1000pkt": ("multi_burst_2st_1000pkt", {}),
    "imix": ("imix", {}),
    "udp_1pkt": ("udp_1pkt", {}),
    "udp_1pkt_tuple_gen": ("udp_1pkt_tuple_gen", {}),
    "udp_1pkt_range_clients": ("udp_1pkt_range_clients", {}),
    "udp_1pkt_repeat_random": ("udp_1pkt_repeat_random", {}),
    "udp_inc_len_9k": ("udp_inc_len_9k", {}),
    "udp_1pkt_mac": ("udp_1pkt_mac", {}),
    "udp_1pkt_mac_step": ("udp_1pkt_mac_step", {}),
    "udp_1pkt_mac_mask1": ("udp_1pkt_mac_mask1", {}),
    "udp_1pkt_mac_mask5": ("udp_1pkt_mac_mask5", {}),
    "udp_1pkt_mpls": ("udp_1pkt_mpls", {}),
    "udp_1pkt_vxlan": ("udp_1pkt_vxlan", {}),
    "udp_1pkt_ipv6_in_ipv4": ("udp_1pkt_ipv6_in_ipv4", {}),
    "udp_1pkt_simple_test": ("udp_1pkt_simple_test", {}),
    "udp_1pkt_simple_test2": ("udp_1pkt_simple_test2", {}),
    "syn_attack_fix_cs_hw": ("syn_attack_fix_cs_hw", {}),
    **{f"dependent_vars_all_{op}_{size}_{step}": (
        "dependent_vars_all", {"size": size, "step": step, "op": op})
       for op in ("inc", "dec") for size in (1, 2) for step in (1, 2)},
}
TIME_TOL_US = 1


def _buckets(records: list[tuple[int, bytes]]) -> list[tuple[int, list[bytes]]]:
    """Packets grouped by timestamp (µs), each group sorted, groups in time order."""
    groups: dict[int, list[bytes]] = defaultdict(list)
    for us, pkt in records:
        groups[us].append(pkt)
    return [(us, sorted(groups[us])) for us in sorted(groups)]


def compare(trex_core: Path, name: str) -> str:
    """'same', or what differs first, for golden pcap 'name'."""
    profile, tunables = GOLDEN[name]
    golden = [(m.sec * 1_000_000 + m.usec, p, m.caplen)
              for p, m in RawPcapReader(str(trex_core / "scripts" / "exp" / f"{name}.pcap"))]
    if not golden:
        return "empty golden pcap"
    first = golden[0][1]
    dst, src = first[0:6].hex(":"), first[6:12].hex(":")
    streams = compile_file(trex_core / "scripts" / "stl" / f"{profile}.py", tunables)
    try:
        ours = timed(streams, src, dst, None, limit=len(golden))
    except ExtbenchError as e:
        return f"refused: {e}"
    if len(ours) != len(golden):
        return f"{len(ours)} packets, TRex {len(golden)}"
    t0, g0 = ours[0][0], golden[0][0]
    mine = _buckets([(round((t - t0) * 1e6), p[:cap]) for (t, _, p), (_, _, cap) in
                     zip(ours, golden, strict=True)])
    theirs = _buckets([(us - g0, p) for us, p, _ in golden])
    for i, ((t1, p1), (t2, p2)) in enumerate(zip(mine, theirs, strict=False)):
        if abs(t1 - t2) > TIME_TOL_US:
            return f"time group {i}: {t1} µs, TRex {t2} µs"
        if p1 != p2:
            return f"packets at {t2} µs differ"
    if len(mine) != len(theirs):
        return f"{len(mine)} distinct times, TRex {len(theirs)}"
    return "same"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("trex_core", type=Path, help="a trex-core checkout")
    p.add_argument("names", nargs="*", help=f"golden pcaps (default: all {len(GOLDEN)})")
    args = p.parse_args(argv)
    bad = 0
    for name in args.names or sorted(GOLDEN):
        try:
            verdict = compare(args.trex_core, name)
        except ExtbenchError as e:
            verdict = f"error: {e}"
        bad += verdict != "same"
        print(f"{name}: {verdict}")
    print(f"{len(args.names or GOLDEN) - bad} of {len(args.names or GOLDEN)} the same as TRex")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
