"""Extension metadata: every file is valid and consistent, bad files fail with a clear error."""

import re
from pathlib import Path

import pytest
import yaml
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

from harness import paths
from harness.bpf import metadata, packets
from harness.errors import ExtbenchError
from harness.net.topology import topology_names
from harness.traffic.profile import profile_names

REQUIRED = {"noop", "flow_counter", "heavy_hitter", "syn_flood", "stateful_fw", "port_knock",
            "dnat", "dscp_mark", "ttl_dec", "payload_xor", "mirror_pattern"}


@pytest.fixture(scope="module")
def exts() -> list[metadata.Extension]:
    return metadata.load_all()


def test_the_corpus_covers_the_required_extensions(exts):
    assert REQUIRED <= {e.name for e in exts}
    assert len(exts) >= 10


def test_read_only_kinds_declare_no_writes_and_writers_are_actions(exts):
    for ext in exts:
        assert ext.writes_packet == (ext.kind == "action"), ext.name
        assert ext.roles == {"action": ("action",), "both": ("action", "filter"),
                             "filter": ("filter",)}[ext.kind]


def test_changes_flow_key_follows_from_the_written_fields(exts):
    by_name = {e.name: e for e in exts}
    assert {n for n, e in by_name.items() if e.meta["changes_flow_key"]} == {
        "dnat", "dscp_mark", "ttl_dec"}
    # The payload writer changes bytes, but none that OVS's flow extraction parses.
    assert by_name["payload_xor"].writes_packet
    assert not any(metadata.FIELDS[f].flow_key for f in by_name["payload_xor"].fields("writes"))


def test_flow_key_fields_are_the_parsed_headers_not_checksums_or_payload():
    key = {n for n, f in metadata.FIELDS.items() if f.flow_key}
    assert {"eth.dst", "eth.src", "eth.type", "ip.tos", "ip.ttl", "ip.proto", "ip.frag",
            "ip.src", "ip.dst", "l4.sport", "l4.dport", "tcp.flags", "icmp.type",
            "icmp.code"} <= key
    assert not {n for n in key if n.endswith((".csum", ".payload"))}


def test_fields_sit_where_scapy_puts_them():
    """The byte offsets of FIELDS agree with scapy's layout of a plain IPv4/UDP frame."""
    frame = bytes(Ether() / IP(src="1.2.3.4", dst="5.6.7.8", ttl=77, tos=0x2c) /
                  UDP(sport=0x1111, dport=0x2222) / b"PAYLOAD!")
    def at(name: str) -> bytes:
        s, e = metadata.field_range(name, "ipv4-udp")
        return frame[s:e]
    assert at("ip.src") == bytes([1, 2, 3, 4]) and at("ip.dst") == bytes([5, 6, 7, 8])
    assert at("ip.ttl") == bytes([77]) and at("ip.tos") == bytes([0x2c])
    assert at("l4.sport") == b"\x11\x11" and at("l4.dport") == b"\x22\x22"
    assert at("udp.payload[0:8]") == b"PAYLOAD!"


def test_maps_have_the_runtime_types_and_scenarios_decode_with_their_layouts(exts):
    for ext in exts:
        for spec in ext.maps.values():
            assert spec.type in ("hash", "array")
            assert spec.key.size > 0 and spec.value.size > 0


def test_placements_are_usable_by_the_trials(exts):
    for ext in exts:
        p = ext.placement
        # Every extension says what udp_flows (the default profile) does on some topology.
        assert any(t["profile"] == "udp_flows" for t in p["traffic"]), ext.name
        for t in p["traffic"]:
            assert t["profile"] in profile_names(), ext.name
            assert t.get("topology", "p2p") in topology_names(), ext.name
            assert bool(t["receivers"]) == (t["delivered"] > 0), ext.name
            assert set(t["rewrites"]) <= ext.fields("writes"), ext.name
        if p["mirror"]:
            assert p["on_fail"] == "continue" and ext.kind == "both"


def test_the_readme_table_is_generated_from_the_metadata(exts):
    readme = (paths.EXTENSIONS / "README.md").read_text()
    m = re.search(r"<!-- table:start -->\n(.*?)<!-- table:end -->", readme, re.S)
    assert m, "extensions/README.md lacks the table markers"
    assert m.group(1) == metadata.readme_table(exts), (
        "regenerate with: .venv/bin/python -m harness.bpf.metadata --table")


def test_unknown_extension_lists_the_known_ones():
    with pytest.raises(ExtbenchError, match=r"unknown extension 'nope' \(known: .*noop"):
        metadata.load("nope")


# Bad metadata: a broken copy of ttl_dec.yaml per case, with the key the error must name.
def _broken(tmp_path: Path, change) -> Path:
    meta = yaml.safe_load((paths.EXTENSIONS / "ttl_dec.yaml").read_text())
    change(meta)
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(meta, sort_keys=False))
    (tmp_path / "x.c").write_text("")
    return path


@pytest.mark.parametrize("change, where, what", [
    (lambda m: m.update(kind="maybe"), "kind", "is not one of"),
    (lambda m: m.pop("placement"), "(top level)", "'placement' is a required property"),
    (lambda m: m.update(kind="both"), "writes", "read-only but writes are declared"),
    (lambda m: m.update(changes_flow_key=False), "changes_flow_key", "do touch flow-key"),
    (lambda m: m["reads"]["ipv4-udp"]["fields"].append("ip.bogus"), "reads.ipv4-udp.fields",
     "unknown field 'ip.bogus'"),
    (lambda m: m["reads"]["ipv4-udp"]["fields"].append("udp.payload"),
     "reads.ipv4-udp.fields", "needs a slice"),
    (lambda m: m["writes"]["ipv4-tcp"]["fields"].append("udp.csum"), "writes.ipv4-tcp.fields",
     "not in stack ipv4-tcp"),
    (lambda m: m["writes"]["ipv4-udp"].update(ranges=[[22, 23]]), "writes.ipv4-udp.ranges",
     "differs from the fields' bytes"),
    (lambda m: m["writes"]["ipv4-udp"].update(ranges=[[24, 26], [22, 23]]),
     "writes.ipv4-udp.ranges", "not sorted and merged"),
    (lambda m: m["expected"][0]["steps"][0].update(verdict="drop"),
     "expected.0.steps.0.verdict", "is not one of"),
    (lambda m: m["expected"][0]["steps"][0].update(rewrites={"ip.dst": "1.2.3.4"}),
     "expected.0.steps.0.rewrites", "'ip.dst' is not among the declared writes"),
    (lambda m: m["expected"][0]["steps"][0].update(repeat=3), "expected.0.steps.0.repeat",
     "rewrites its own output"),
    (lambda m: m["expected"][0].update(maps={"nomap": {"entries": 1}}),
     "expected.0.maps.nomap", "unknown map"),
    (lambda m: m["placement"].update(forwarding_on=["ip.where"]), "placement",
     "unknown field 'ip.where'"),
    (lambda m: m["placement"]["traffic"][0].update(delivered=1.5),
     "placement.traffic.0.delivered", "greater than the maximum"),
    (lambda m: m["placement"]["traffic"].append(dict(m["placement"]["traffic"][0])),
     "placement.traffic.1", "a second entry for profile 'udp_flows'"),
])
def test_bad_metadata_names_the_file_and_the_key(tmp_path, change, where, what):
    path = _broken(tmp_path, change)
    with pytest.raises(ExtbenchError) as e:
        metadata.load_file(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}: {where}: "), msg
    assert what in msg
    assert "\n" not in msg


def test_invalid_yaml_and_missing_source_are_reported(tmp_path):
    bad = tmp_path / "y.yaml"
    bad.write_text("purpose: a: b\n")
    with pytest.raises(ExtbenchError, match=r"y\.yaml: line 1, column 11: invalid YAML"):
        metadata.load_file(bad)
    path = _broken(tmp_path, lambda m: None)
    (tmp_path / "x.c").unlink()
    with pytest.raises(ExtbenchError, match=r"x\.yaml: \(file\): no C source x\.c"):
        metadata.load_file(path)


def test_packet_descriptions_build_the_frames_they_describe():
    frame = packets.packet_bytes({"proto": "tcp", "src": "10.0.0.9", "dport": 22})
    pkt = Ether(frame)
    assert len(frame) == 60 and pkt[IP].src == "10.0.0.9" and pkt["TCP"].dport == 22
    assert packets.stack({"proto": "udp"}) == "ipv4-udp"
    assert packets.stack({"proto": "udp", "frag": 3}) is None
    assert packets.stack({"proto": "arp"}) is None
    assert packets.packet_bytes({"proto": "udp", "ip_options": True})[14] == 0x46
    later = Ether(packets.packet_bytes({"proto": "udp", "frag": 10}))
    assert later[IP].frag == 10 and UDP not in later and later[IP].proto == 17


def test_expected_bytes_rewrite_fields_and_recompute_valid_checksums():
    desc = {"proto": "udp", "payload": "hello"}
    out = Ether(packets.expected_bytes(desc, {"ip.ttl": 63, "l4.dport": 8080}))
    assert out[IP].ttl == 63 and out[UDP].dport == 8080
    fresh = Ether(bytes(out))
    del fresh[IP].chksum, fresh[UDP].chksum
    rebuilt = Ether(bytes(fresh))
    assert rebuilt[IP].chksum == out[IP].chksum and rebuilt[UDP].chksum == out[UDP].chksum
    # A UDP checksum of 0 ("none") stays 0.
    zero = Ether(packets.expected_bytes({**desc, "udp_csum": False}, {"ip.dst": "10.0.0.3"}))
    assert zero[UDP].chksum == 0
    with pytest.raises(ExtbenchError, match="unknown keys"):
        packets.packet_bytes({"proto": "udp", "colour": "red"})
