"""Packets from the short descriptions in extension metadata (scenario steps), built with scapy.

A description is a mapping such as ``{proto: tcp, src: 10.0.0.9, dport: 22, flags: S}``;
unset keys take ``DEFAULTS``. ``packet_bytes`` gives the frame a program runs on and
``expected_bytes`` (or ``rewritten``, for any frame) the frame it should leave after the
given field rewrites, with the checksums recomputed (a UDP checksum of 0 stays 0).
"""

from collections.abc import Mapping
from typing import Any

from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption_NOP
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.packet import Packet, Raw

from harness.errors import ExtbenchError

ETH_SRC = "00:00:00:00:00:01"
ETH_DST = "00:00:00:00:00:02"

DEFAULTS: dict[str, Any] = {
    "proto": "udp", "src": "10.0.0.1", "dst": "10.0.0.2", "sport": 1234, "dport": 5001,
    "flags": "S", "tos": 0, "ttl": 64, "id": 1, "icmp_type": 8, "icmp_id": 1, "payload": "",
    "udp_csum": True, "ip_options": False, "frag": 0, "size": 60,
}
"""Values of the keys a description leaves out."""

STACK_OF = {"udp": "ipv4-udp", "tcp": "ipv4-tcp", "icmp": "ipv4-icmp"}
"""Metadata stack of a description's proto (when it has no VLAN, options or fragment offset)."""


def _desc(desc: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(desc) - set(DEFAULTS) - {"payload_hex", "vlan"}
    if unknown:
        raise ExtbenchError(f"packet description: unknown keys {sorted(unknown)}")
    return {**DEFAULTS, **desc}


def _payload(d: Mapping[str, Any]) -> bytes:
    return bytes.fromhex(d["payload_hex"]) if "payload_hex" in d else d["payload"].encode()


def build(desc: Mapping[str, Any]) -> Packet:
    """The scapy packet of a description (checksums left for scapy to compute)."""
    d = _desc(desc)
    eth = Ether(src=ETH_SRC, dst=ETH_DST)
    if "vlan" in d:
        eth = eth / Dot1Q(vlan=d["vlan"])
    if d["proto"] == "arp":
        return eth / ARP(psrc=d["src"], pdst=d["dst"])
    ip = IP(src=d["src"], dst=d["dst"], tos=d["tos"], ttl=d["ttl"], id=d["id"], frag=d["frag"])
    if d["ip_options"]:
        ip.options = [IPOption_NOP()] * 4
    if d["proto"] == "udp":
        l4 = UDP(sport=d["sport"], dport=d["dport"])
        if not d["udp_csum"]:
            l4.chksum = 0
    elif d["proto"] == "tcp":
        l4 = TCP(sport=d["sport"], dport=d["dport"], flags=d["flags"])
    elif d["proto"] == "icmp":
        l4 = ICMP(type=d["icmp_type"], id=d["icmp_id"])
    else:
        raise ExtbenchError(f"packet description: unknown proto '{d['proto']}'")
    l4 = l4 / Raw(_payload(d)) if _payload(d) else l4
    if d["frag"]:
        # A later fragment: the bytes that would be the L4 header are plain data.
        ip.proto = {"udp": 17, "tcp": 6, "icmp": 1}[d["proto"]]
        return eth / ip / Raw(bytes(eth / IP() / l4)[34:])
    return eth / ip / l4


def _pad(frame: bytes, size: int) -> bytes:
    return frame + bytes(max(0, size - len(frame)))


def packet_bytes(desc: Mapping[str, Any]) -> bytes:
    """The frame of a description, zero-padded to its size (no FCS)."""
    return _pad(bytes(build(desc)), _desc(desc)["size"])


def stack(desc: Mapping[str, Any]) -> str | None:
    """The metadata stack of a description, or None if it is outside every stack."""
    d = _desc(desc)
    if "vlan" in d or d["ip_options"] or d["frag"]:
        return None
    return STACK_OF.get(d["proto"])


def _set_field(pkt: Packet, field: str, value: Any) -> None:
    """Set metadata field 'field' of 'pkt' to 'value' (a payload: its first bytes, as hex)."""
    layer_name, _, attr = field.partition(".")
    if layer_name == "l4":
        layer = pkt[UDP] if UDP in pkt else pkt[TCP]
    else:
        layer = pkt[{"eth": Ether, "ip": IP, "udp": UDP, "tcp": TCP, "icmp": ICMP}[layer_name]]
    if attr == "payload":
        head = bytes.fromhex(value)
        old = layer[Raw].load if Raw in layer else b""
        if len(head) > len(old):
            raise ExtbenchError(f"rewrite of {field}: {len(head)} bytes, payload has {len(old)}")
        layer[Raw].load = head + old[len(head):]
    else:
        setattr(layer, {"csum": "chksum"}.get(attr, attr), value)


def rewritten(frame: bytes, rewrites: Mapping[str, Any]) -> bytes:
    """'frame' with 'rewrites' (field → value; payloads: first bytes, hex) applied and its
    checksums recomputed, but for a UDP checksum of 0 ("none"), which stays 0."""
    if not rewrites:
        return frame
    pkt = Ether(frame)
    for field, value in rewrites.items():
        try:
            _set_field(pkt, field, value)
        except (KeyError, IndexError, AttributeError) as e:
            raise ExtbenchError(f"cannot rewrite field '{field}' of {pkt.summary()}") from e
    for layer in (IP, TCP, ICMP):
        if layer in pkt:
            del pkt[layer].chksum
    if UDP in pkt and pkt[UDP].chksum != 0:
        del pkt[UDP].chksum
    return _pad(bytes(pkt), len(frame))


def expected_bytes(desc: Mapping[str, Any], rewrites: Mapping[str, Any]) -> bytes:
    """The frame a program should leave: the description's frame with 'rewrites' applied."""
    return rewritten(packet_bytes(desc), rewrites)
