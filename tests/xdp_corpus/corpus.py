"""The XDP corpus as data: its programs, what each needs of the runtime, and its packets.

``tests/integration/test_xdp_corpus.py`` runs every program of ``PROGRAMS`` in the kernel
and in OVS's runtime on ``packets()`` and compares them; README.md (beside this file)
describes the programs. A program lists the runtime ``FEATURES`` it needs beyond what
``strategies/common`` supported before issue 15; while one of them is ``MISSING``, the test
expects the runtime to refuse the program for it, with its refusal message (``xfail``,
strict).
"""

import random
from dataclasses import dataclass, field

from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption_NOP
from scapy.layers.inet6 import HBHOptUnknown, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6
from scapy.layers.inet6 import IPv6ExtHdrDestOpt as DestOpt
from scapy.layers.inet6 import IPv6ExtHdrFragment as Fragment
from scapy.layers.inet6 import IPv6ExtHdrHopByHop as HopByHop
from scapy.layers.inet6 import IPv6ExtHdrRouting as Routing
from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Ether
from scapy.packet import Raw


@dataclass(frozen=True)
class Feature:
    """A runtime feature of issue 15: the pattern of its refusal and the issue's point."""

    pattern: str
    point: int
    what: str


def _helper(num: int, name: str) -> Feature:
    """A helper the runtime refuses by number (before issue 15) or by name."""
    return Feature(rf"unknown#{num}\b|\bbpf_{name}\b|helper {num}\b", 4, f"bpf_{name}")


FEATURES: dict[str, Feature] = {
    "multi_prog": Feature(r"the object holds \d+ programs; exactly one", 1,
                          "several programs per object"),
    "legacy_section": Feature(r"is not an XDP program", 1, "legacy SEC(\"xdp_*\") names"),
    "global_data": Feature(r"\.data/\.rodata/\.bss are not supported", 1,
                           ".data/.rodata/.bss"),
    "percpu_array": Feature(r"type 6 is not supported", 2, "PERCPU_ARRAY"),
    "percpu_hash": Feature(r"type 5 is not supported", 2, "PERCPU_HASH"),
    "lru_hash": Feature(r"type 9 is not supported", 2, "LRU_HASH"),
    "lru_percpu_hash": Feature(r"type 10 is not supported", 2, "LRU_PERCPU_HASH"),
    "prog_array": Feature(r"type 3 is not supported", 2, "PROG_ARRAY"),
    "bpf2bpf": Feature(r"bpf-to-bpf calls\) are not supported|calls to BPF functions are not "
                       r"supported", 3, "bpf-to-bpf calls"),
    "loops": Feature(r"back-edge from insn", 3, "bounded loops"),
    "sext_bounds": Feature(r"value 2147483647 makes pkt pointer be out of bounds", 5,
                           "signed 32-bit bounds kept through a sign extension"),
    "tail_call": Feature(_helper(12, "tail_call").pattern, 3, "tail calls"),
    "trace_printk": _helper(6, "trace_printk"),
    "smp_processor_id": _helper(8, "get_smp_processor_id"),
    "csum_diff": _helper(28, "csum_diff"),
    "adjust_head": _helper(44, "xdp_adjust_head"),
    "adjust_tail": _helper(65, "xdp_adjust_tail"),
    "ktime_get_boot_ns": _helper(125, "ktime_get_boot_ns"),
}
"""Features the corpus needs, by name: how the runtime refuses a program that needs one."""

MISSING: frozenset[str] = frozenset()
"""The features of FEATURES that this tree's runtime lacks. A program that needs one is
an expected failure (strict): its test passes only if the runtime refuses it for one of
them. Take a feature out when it lands: the programs that needed only it must then load
and match."""


@dataclass(frozen=True)
class Program:
    """One program of the corpus: its object, name, needed features and map comparisons.

    masked: map name → byte ranges [start, end) of each value left out of the comparison
    (values that hold a time); slots_summed: array maps whose values are compared as the
    sum, over all keys, of their 64-bit words (slots chosen by the CPU number).
    """

    source: str
    name: str
    needs: tuple[str, ...] = ()
    masked: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    slots_summed: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The test id: the object's stem, and the program's name if the object has several."""
        stem = self.source.removesuffix(".c")
        return stem if self.name == f"xdp_{stem}" else f"{stem}:{self.name}"


PROGRAMS: list[Program] = [
    Program("vlan_count.c", "xdp_vlan_count"),
    Program("ipv6_ext_loop.c", "xdp_ipv6_ext_loop", ("loops",)),
    Program("ipv6_ext_filter.c", "xdp_ipv6_ext_filter"),
    Program("ttl_decrement.c", "xdp_ttl_decrement"),
    Program("nat44_csum_diff.c", "xdp_nat44", ("csum_diff",)),
    Program("percpu_stats.c", "xdp_percpu_stats", ("percpu_array",)),
    Program("cpu_slot_stats.c", "xdp_cpu_slot_stats", ("smp_processor_id",),
            slots_summed=("cpu_slots",)),
    Program("percpu_hash_src.c", "xdp_percpu_hash_src", ("percpu_hash",)),
    Program("lru_conntrack.c", "xdp_lru_conntrack", ("lru_hash", "ktime_get_boot_ns"),
            masked={"conntrack": ((0, 8),)}),
    Program("lru_percpu_flows.c", "xdp_lru_percpu_flows", ("lru_percpu_hash",)),
    Program("tailcall_pipeline.c", "xdp_pipeline_entry",
            ("multi_prog", "percpu_array", "prog_array", "tail_call")),
    Program("tailcall_depth.c", "xdp_tail_recurse", ("prog_array", "tail_call")),
    Program("tailcall_empty.c", "xdp_tail_empty",
            ("multi_prog", "prog_array", "tail_call", "loops")),
    Program("lb_ipip_encap.c", "xdp_lb_ipip", ("global_data", "adjust_head")),
    Program("ddos_blocklist.c", "xdp_ddos_blocklist"),
    Program("global_config.c", "xdp_global_config", ("global_data",)),
    Program("multi_prog.c", "xdp_pass_all", ("multi_prog",)),
    Program("multi_prog.c", "xdp_drop_tcp", ("multi_prog",)),
    Program("multi_prog.c", "xdp_count_udp", ("multi_prog",)),
    Program("legacy_sections.c", "xdp_vlan_swap_func", ("multi_prog", "legacy_section")),
    Program("legacy_sections.c", "xdp_pass_func", ("multi_prog", "legacy_section")),
    Program("frags_aware.c", "xdp_frags_sizes"),
    Program("bpf2bpf_flow.c", "xdp_bpf2bpf_flow", ("bpf2bpf", "sext_bounds")),
    Program("flow_inline.c", "xdp_bpf2bpf_flow", ("sext_bounds",)),
    Program("udp_port_count.c", "xdp_udp_port_count"),
    Program("tcp_mss_clamp.c", "xdp_mss_clamp", ("loops",)),
    Program("printk_trace.c", "xdp_printk_trace", ("trace_printk", "global_data")),
    Program("icmp_echo.c", "xdp_icmp_echo"),
    Program("trim_pad.c", "xdp_trim_pad", ("adjust_tail",)),
    Program("ipip_decap.c", "xdp_ipip_decap", ("adjust_head",)),
    Program("vlan_pop_push.c", "xdp_vlan_pop", ("multi_prog", "adjust_head")),
    Program("vlan_pop_push.c", "xdp_vlan_push", ("multi_prog", "adjust_head")),
    Program("payload_scan.c", "xdp_payload_scan", ("loops",)),
]
"""Every program of the corpus, in the order of README.md."""

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
V6_A, V6_B = "2001:db8::a", "2001:db8::b"
KERNEL_MAX_LINEAR = 3520
"""Largest frame the kernel's XDP test run keeps in its linear buffer."""


def _eth(vlans: tuple[int, ...] = (), outer_ad: bool = False) -> Ether:
    """Ethernet, with VLAN tags outermost first (802.1ad for the outer one if 'outer_ad')."""
    pkt = Ether(src=MAC_A, dst=MAC_B)
    for i, vid in enumerate(vlans):
        pkt = pkt / (Dot1AD(vlan=vid) if outer_ad and i == 0 else Dot1Q(vlan=vid, prio=i))
    return pkt


def _v4(src: str = "10.0.0.1", dst: str = "10.0.0.2", **kw) -> IP:
    return IP(src=src, dst=dst, **kw)


def _v6(src: str = V6_A, dst: str = V6_B, **kw) -> IPv6:
    return IPv6(src=src, dst=dst, **kw)


SYN_OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None),
            ("WScale", 7)]


def _pad60(frame: bytes) -> bytes:
    return frame + bytes(max(0, 60 - len(frame)))


def well_formed() -> list[bytes]:
    """Whole frames: every header stack the corpus parses, and the flows it keeps state on."""
    e = _eth()
    pkts = [
        e / _v4() / UDP(sport=1234, dport=5001) / Raw(b"hello"),
        e / _v4() / UDP(sport=1235, dport=5001, chksum=0) / Raw(b"no checksum"),
        e / _v4() / TCP(sport=40000, dport=5001, flags="S", options=SYN_OPTS),
        e / _v4(src="10.0.0.2", dst="10.0.0.1") / TCP(sport=5001, dport=40000, flags="SA",
                                                       options=[("MSS", 1200)]),
        e / _v4() / TCP(sport=40000, dport=5001, flags="A") / Raw(b"data"),
        e / _v4() / TCP(sport=40000, dport=5001, flags="FA"),
        e / _v4() / TCP(sport=40001, dport=80, flags="A"),           # No connection.
        e / _v4() / TCP(sport=40002, dport=22, flags="S"),
        e / _v4() / TCP(sport=40003, dport=23, flags="S"),
        e / _v4() / TCP(sport=40004, dport=443, flags="S", options=[("NOP", None),
                                                                     ("MSS", 9000)]),
        # Options NOP, NOP, an option of length 0, MSS: written as the TCP payload
        # behind a header that claims them.
        e / _v4() / TCP(sport=40005, dport=443, flags="S", dataofs=7)
        / Raw(b"\x01\x01\x05\x00\x02\x04\x05\xb4"),
        e / _v4() / TCP(sport=40000, dport=5001, flags="R"),
        e / _v4() / ICMP(type=8, id=7, seq=1) / Raw(b"ping"),
        e / _v4() / ICMP(type=0, id=7, seq=1),
        e / _v4(options=[IPOption_NOP()] * 4) / UDP(sport=7, dport=5001),
        e / _v4(flags="MF", frag=0, proto=17) / UDP(sport=9, dport=5001) / Raw(b"x" * 16),
        e / _v4(frag=3, proto=17) / Raw(b"later fragment"),
        e / _v4(ttl=1) / UDP(sport=1, dport=2),
        e / _v4() / UDP(sport=5353, dport=53) / Raw(b"....xb!...."),
        e / _v4() / UDP(sport=5353, dport=53) / Raw(bytes(range(100))),
        e / _v4() / UDP(sport=4444, dport=9999) / Raw(b"A" * 1458),
        e / ARP(psrc="10.0.0.1", pdst="10.0.0.2"),
        e / _v4(src="10.0.0.9", dst="172.16.10.1") / _v4(src="10.1.0.1", dst="10.1.0.2")
        / UDP(sport=5, dport=6) / Raw(b"inner"),
        e / _v4(src="10.0.0.9", dst="172.16.10.1", options=[IPOption_NOP()] * 4)
        / _v4(src="10.1.0.1", dst="10.1.0.3") / TCP(sport=5, dport=6, flags="S"),
        e / _v4(src="10.0.0.9", dst="172.16.10.1") / _v6() / UDP(sport=5, dport=6),
        e / _v4(src="10.0.0.9", dst="172.16.10.2") / _v4() / UDP(),   # Other endpoint.
        _eth((5,)) / _v4() / UDP(sport=1, dport=5001),
        _eth((5,)) / _v6() / TCP(sport=2, dport=443, flags="S", options=[("MSS", 1500)]),
        _eth((4095,)) / _v4() / UDP(),
        _eth((10, 20), outer_ad=True) / _v4(ttl=2) / UDP(sport=3, dport=4),
        _eth((10, 20), outer_ad=True) / _v6() / UDP(sport=3, dport=4),
        _eth((30, 40)) / ARP(),
        e / _v6() / UDP(sport=1000, dport=53) / Raw(b"v6"),
        e / _v6() / TCP(sport=1001, dport=443, flags="S", options=SYN_OPTS),
        e / _v6(hlim=1) / UDP(),
        e / _v6() / ICMPv6EchoRequest(id=3, seq=4, data=b"ping6"),
        e / _v6() / ICMPv6EchoReply(id=3, seq=4),
        e / _v6() / HopByHop() / UDP(sport=1, dport=2),
        e / _v6() / HopByHop() / Routing(type=4, addresses=[V6_B])
        / Fragment(offset=0, m=1, id=9) / DestOpt()
        / TCP(sport=9, dport=80, flags="S"),
        e / _v6() / Routing(type=0, addresses=[V6_A, V6_B]) / UDP(),
        e / _v6() / Fragment(offset=100, m=0, id=9, nh=17) / Raw(b"y" * 24),
        e / _v6() / DestOpt(options=[HBHOptUnknown(otype=0xc2, optdata=b"\0\0\x10\0")]) / UDP(),
        e / _v6() / DestOpt() / HopByHop() / UDP(),
        e / _v6() / _ext_chain(9) / UDP(),
        _eth((7,)) / _v6() / HopByHop() / DestOpt()
        / ICMPv6EchoRequest(),
    ]
    # Flows that cross thresholds and fill tables: six packets each of one IPv4 and one
    # IPv6 source, and sixteen UDP flows to the load balancer's virtual IP.
    pkts += [e / _v4(src="10.9.9.9") / UDP(sport=n, dport=7) for n in range(6)]
    pkts += [e / _v6(src="2001:db8::99") / UDP(sport=n, dport=7) for n in range(6)]
    pkts += [e / _v4(src=f"10.2.0.{n}") / (UDP if n % 2 else TCP)(sport=1000 + n, dport=5001)
             for n in range(16)]
    return [_pad60(bytes(p)) for p in pkts]


def _ext_chain(n: int):
    """'n' destination-options headers in a row."""
    chain = DestOpt()
    for _ in range(n - 1):
        chain = chain / DestOpt()
    return chain


def truncated() -> list[bytes]:
    """Frames cut short inside each header (the kernel runs nothing under 14 bytes)."""
    udp = bytes(_eth() / _v4() / UDP(sport=1, dport=5001) / Raw(b"abcdefgh"))
    syn = bytes(_eth() / _v4() / TCP(sport=2, dport=5001, flags="S", options=SYN_OPTS))
    qinq = bytes(_eth((10, 20), outer_ad=True) / _v4() / UDP())
    v6ext = bytes(_eth() / _v6() / HopByHop() / Fragment(m=1)
                  / TCP(flags="S", options=[("MSS", 1460)]))
    ipip = bytes(_eth() / _v4(src="10.0.0.9", dst="172.16.10.1") / _v4() / UDP())
    icmp = bytes(_eth() / _v4() / ICMP(type=8))
    cuts = [udp[:n] for n in (14, 15, 20, 33, 34, 37, 41)]
    cuts += [syn[:n] for n in (47, 53, 54, 56, 57, 60)]
    cuts += [qinq[:n] for n in (16, 18, 21, 30)]
    cuts += [v6ext[:n] for n in (40, 54, 55, 62, 63, 70, 73, 90)]
    cuts += [ipip[:n] for n in (34, 35, 48)]
    cuts += [icmp[:n] for n in (36, 41)]
    return cuts


def odd() -> list[bytes]:
    """Random bytes, and the largest frame the kernel runs linearly."""
    rnd = random.Random(15)
    frames = [bytes(rnd.getrandbits(8) for _ in range(n)) for n in (14, 60, 200)]
    frames.append(bytes(_eth() / _v4() / UDP(sport=1, dport=5001)
                        / Raw(bytes(KERNEL_MAX_LINEAR - 42))))
    return frames


def packets() -> list[bytes]:
    """The packet set every program runs on, in order (state carries over between them)."""
    return well_formed() + truncated() + odd()
