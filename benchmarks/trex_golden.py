"""Compare the local engine's packets with TRex's own simulator outputs (golden pcaps).

TRex's repository keeps, for many of its example profiles (scripts/stl), the pcap its
simulator (bp-sim, the data path of one TRex core) wrote for them (scripts/exp/<name>.pcap,
made with ``-m 1 -l N``: multiplier 1, the first N packets; see its
regression/functional_tests/stl_basic_tests.py). This script compiles each such profile,
computes what the local and dpdk engines send (``local.timed``: TRex's scheduler and
field engine), and compares packet by packet and time by time, as TRex's own test does
(packets with the same timestamp compared as a set; times relative to the first packet,
within 1 µs: the pcaps keep µs). Ethernet addresses come from the golden pcap (the
simulator's port configuration). With ``fix_checksum_hw`` the simulator has no NIC to
finish the checksums (it leaves the IPv4 checksum 0 and the pseudo-header sum in the L4
field), so those fields are compared blanked, after checking that ours are valid. The
simulator pads short frames to 60 bytes with whatever its buffer held; padding (bytes after
the IP packet) is compared as zeros.

    .venv/bin/python -m benchmarks.trex_golden TREX_CORE_DIR [NAME ...]

TREX_CORE_DIR: a checkout of cisco-system-traffic-generator/trex-core (scripts/stl and
scripts/exp). Prints one line per profile; exit status 1 if any differs.
"""

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Padding
from scapy.utils import RawPcapReader

from harness.errors import ExtbenchError
from harness.traffic.local import refuse_flow_stats, timed
from harness.traffic.profile import compile_file

#: Golden pcaps made with one core and what they need: {name: (profile, tunables)}.
GOLDEN = {
    **{name: (name, {}) for name in (
        "burst_3st_600pkt", "burst_3st_loop_x_times", "multi_burst_2st_1000pkt", "imix",
        "udp_1pkt", "udp_1pkt_1mac", "udp_1pkt_1mac_override", "udp_1pkt_mac",
        "udp_1pkt_mac_step", "udp_1pkt_mac_mask1", "udp_1pkt_mac_mask2",
        "udp_1pkt_mac_mask3", "udp_1pkt_mac_mask5", "udp_1pkt_mpls", "udp_1pkt_vxlan",
        "udp_1pkt_ipv6_in_ipv4", "udp_1pkt_simple_test", "udp_1pkt_simple_test2",
        "udp_1pkt_simple_mac_dst", "udp_1pkt_simple_mac_src", "udp_1pkt_simple_mac_dst_src",
        "udp_1pkt_tuple_gen", "udp_1pkt_tuple_gen_split", "udp_1pkt_range_clients",
        "udp_1pkt_range_clients_split", "udp_1pkt_range_clients_split_garp",
        "udp_1pkt_src_ip_split", "udp_1pkt_repeat_random", "udp_1pkt_pcap",
        "udp_1pkt_pcap_relative_path", "udp_3pkt_pcap", "udp_inc_len_9k", "udp_rand_len_9k",
        "syn_attack", "syn_attack_fix_cs_hw", "flow_stats", "flow_stats_latency")},
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


def _zero_padding(pkt: bytes) -> bytes:
    parsed = Ether(pkt)
    pad = parsed.getlayer(Padding)
    if pad is None:
        return pkt
    return pkt[:len(pkt) - len(pad.load)] + bytes(len(pad.load))


def _blank_checksums(pkt: bytes) -> bytes:
    parsed = Ether(pkt)
    for layer in (IP, TCP, UDP):
        if layer in parsed:
            parsed[layer].chksum = 0
    return bytes(parsed)


def _checksums_valid(pkt: bytes) -> bool:
    parsed = Ether(pkt)
    fresh = parsed.copy()
    for layer in (IP, TCP, UDP):
        if layer in fresh:
            del fresh[layer].chksum
    return bytes(Ether(bytes(fresh))) == pkt


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
        for s in streams:  # The local engine's comparison: it cannot count packet groups.
            refuse_flow_stats(s)
        ours = timed(streams, src, dst, None, limit=len(golden))
    except ExtbenchError as e:
        return f"refused: {e}"
    if len(ours) != len(golden):
        return f"{len(ours)} packets, TRex {len(golden)}"
    t0, g0 = ours[0][0], golden[0][0]
    hw = any(i["type"] == "fix_checksum_hw" for s in streams for i in s.instructions)
    if hw and not all(_checksums_valid(p) for _, _, p in ours):
        return "our hardware checksums are wrong"
    def blank(p: bytes) -> bytes:
        return _zero_padding(_blank_checksums(p) if hw else p)
    # The simulator writes times truncated to the µs (so do we, from the same doubles).
    mine = _buckets([(int(t * 1e6) - int(t0 * 1e6), blank(p[:cap])) for (t, _, p), (_, _, cap)
                     in zip(ours, golden, strict=True)])
    theirs = _buckets([(us - g0, blank(p)) for us, p, _ in golden])
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
