"""Compiling TRex STL profiles (each compile runs the TRex client in a child interpreter)."""

import sys
from pathlib import Path

import pytest
import scapy
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

from harness.errors import ExtbenchError
from harness.traffic.fieldengine import expand
from harness.traffic.profile import compile_streams, profile_names

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"


@pytest.fixture(scope="module")
def default_streams():
    return compile_streams("udp_flows")


def packets(stream, max_packets=32_768):
    return expand(stream.packet, stream.instructions, stream.vm, max_packets=max_packets)


def test_default_profile_is_1000_udp_flows_of_64_byte_frames(default_streams):
    [s] = default_streams
    assert (s.mode, s.rate, s.pps) == ({"type": "continuous"}, {"type": "pps", "value": 1000},
                                       1000.0)
    pkts = packets(s)
    assert len(pkts) == 1000 and {len(p) for p in pkts} == {60}  # 64 bytes minus the FCS.
    parsed = [Ether(p) for p in pkts]
    assert [p[UDP].sport for p in parsed] == list(range(1025, 2025))
    assert {(p[IP].src, p[IP].dst, p[UDP].dport, p[UDP].chksum) for p in parsed} == {
        ("10.0.0.1", "10.0.0.2", 12, 0)}
    for p in parsed:
        fresh = p.copy()
        del fresh[IP].chksum
        assert Ether(bytes(fresh))[IP].chksum == p[IP].chksum


def test_both_signatures_give_the_same_streams():
    tunables = {"flows": 10, "size": 100, "dst": "10.0.0.9"}
    new = compile_streams("udp_flows", tunables, style="tunables")
    old = compile_streams("udp_flows", tunables, style="kwargs")
    assert [s.json for s in new] == [s.json for s in old]
    assert len(new[0].packet) == 96 and Ether(new[0].packet)[IP].dst == "10.0.0.9"


def test_flows_beyond_the_port_range_vary_the_source_address():
    [s] = compile_streams("udp_flows", {"flows": 1000, "sport": 65000})
    parsed = [Ether(p) for p in packets(s)]
    assert {p[UDP].sport for p in parsed} == {65000}
    assert [p[IP].src for p in parsed[:2]] == ["10.0.0.1", "10.0.0.2"]
    assert len({p[IP].src for p in parsed}) == 1000 and parsed[-1][IP].src == "10.0.3.232"


def test_old_kwargs_profile_gets_its_tunables_as_keyword_arguments():
    [s] = compile_streams("old_kwargs", {"flows": 3, "top": 50}, directory=FIXTURES)
    assert [Ether(p)[UDP].dport for p in packets(s)] == [50, 49, 48]


@pytest.mark.parametrize("tunables, msg", [
    ({"flows": "abc"}, "argument --flows: invalid int value: 'abc'"),
    ({"flowz": 3}, "unrecognized arguments: --flowz 3"),
    ({"size": 20}, "argument --size: 20 not in 64..9216"),
])
def test_bad_tunables_name_the_file_and_the_problem(tunables, msg):
    with pytest.raises(ExtbenchError, match="udp_flows.py") as e:
        compile_streams("udp_flows", tunables)
    assert msg in str(e.value) and "\n" not in str(e.value)


def test_unknown_profile_lists_the_known_ones():
    assert "udp_flows" in profile_names()
    with pytest.raises(ExtbenchError, match=r"unknown profile 'nope' \(known: .*udp_flows"):
        compile_streams("nope")
    with pytest.raises(ExtbenchError, match="unknown tunables style"):
        compile_streams("udp_flows", style="positional")


@pytest.mark.parametrize("name, msg", [
    ("no_register", "no register() function"),
    ("raises", "get_streams() failed (profile line 8): ValueError: boom"),
])
def test_malformed_profiles_name_the_file_and_the_problem(name, msg):
    with pytest.raises(ExtbenchError) as e:
        compile_streams(name, directory=FIXTURES)
    assert f"{name}.py" in str(e.value) and msg in str(e.value)


def test_syntax_error_names_the_line(tmp_path):
    (tmp_path / "broken.py").write_text("def register():\n    return (\n")
    with pytest.raises(ExtbenchError, match=r"broken.py.*syntax error at line \d"):
        compile_streams("broken", directory=tmp_path)


def test_the_trex_client_never_enters_this_interpreter(default_streams):
    assert scapy.VERSION == "2.8.0"
    assert not any(m == "trex" or m.startswith("trex.") for m in sys.modules)
