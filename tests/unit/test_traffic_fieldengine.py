"""The local engine's field engine against TRex's data-path arithmetic, worked out by hand."""

import pytest
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

from harness.errors import ExtbenchError
from harness.traffic.fieldengine import RANDOM_WINDOW, expand

PKT = bytes(Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=2) / (18 * b"x"))
SPORT, DPORT = 34, 36  # Offsets of the UDP ports in PKT.


def var(name="v", lo=0, hi=9, op="inc", size=2, step=1, init=None, **extra) -> dict:
    ins = {"type": "flow_var", "name": name, "size": size, "op": op, "next_var": None,
           "min_value": lo, "max_value": hi, "step": step,
           "init_value": init if init is not None else (hi if op == "dec" else lo)}
    ins.update(extra)
    return ins


def write(name="v", offset=SPORT, add=0, big=True) -> dict:
    return {"type": "write_flow_var", "name": name, "pkt_offset": offset, "add_value": add,
            "is_big_endian": big}


def field(pkts: list[bytes], offset: int = SPORT, size: int = 2) -> list[int]:
    return [int.from_bytes(p[offset:offset + size], "big") for p in pkts]


def test_inc_with_step_wraps_like_trex_inc_mod():
    # Range 10..14 (5 values), step 2: TRex's server pads the range to 10..15 (a multiple
    # of the step), so 10, 12, 14, then 14+2 wraps to 10.
    assert field(expand(PKT, [var(lo=10, hi=14, step=2), write()])) == [10, 12, 14]
    # Range 10..15, step 4 (pad to 10..17): 10, 14, then 14+4 wraps to 10 + (4-3-1) = 10.
    assert field(expand(PKT, [var(lo=10, hi=15, step=4), write()])) == [10, 14]
    # A dec variable's minimum moves down instead: 9..14, step 4 → 7..14: 14, 10, 14 …
    assert field(expand(PKT, [var(lo=9, hi=14, step=4, op="dec"), write()])) == [14, 10]


def test_dec_starts_at_max_and_wraps():
    assert field(expand(PKT, [var(lo=1, hi=3, op="dec"), write()])) == [3, 2, 1]


def test_init_value_inside_range_comes_first():
    assert field(expand(PKT, [var(lo=0, hi=9, init=7), write()])) == [7, 8, 9, 0, 1, 2, 3, 4,
                                                                      5, 6]


def test_value_lists_inc_and_dec():
    inc = var(value_list=[5, 7, 9])
    dec = var(value_list=[5, 7, 9], op="dec")
    assert field(expand(PKT, [inc, write()])) == [5, 7, 9]
    assert field(expand(PKT, [dec, write()])) == [9, 7, 5]


def test_two_variables_repeat_after_the_lcm_of_their_periods():
    pkts = expand(PKT, [var("a", 0, 1), var("b", 0, 2), write("a"), write("b", DPORT)])
    assert list(zip(field(pkts), field(pkts, DPORT), strict=True)) == [
        (0, 0), (1, 1), (0, 2), (1, 0), (0, 1), (1, 2)]


def test_write_adds_and_wraps_at_the_variable_size():
    pkts = expand(PKT, [var(lo=250, hi=251, size=1), write(offset=SPORT, add=10)])
    assert [p[SPORT] for p in pkts] == [4, 5]  # (250 + 10) mod 256, (251 + 10) mod 256.


def test_little_endian_write():
    pkts = expand(PKT, [var(lo=0x0102, hi=0x0102), write(big=False)])
    assert pkts[0][SPORT:SPORT + 2] == b"\x02\x01"


def test_write_mask_merges_shifted_bits():
    ins = [var(lo=0x1234, hi=0x1234),
           {"type": "write_mask_flow_var", "name": "v", "pkt_offset": SPORT, "pkt_cast_size": 2,
            "mask": 0xFF00, "shift": 8, "add_value": 0, "is_big_endian": True}]
    pkt = bytearray(PKT)
    pkt[SPORT:SPORT + 2] = b"\xab\xcd"
    # (0x1234 << 8) & 0xff00 = 0x3400; the packet keeps its low byte 0xcd.
    assert expand(bytes(pkt), ins)[0][SPORT:SPORT + 2] == b"\x34\xcd"


def test_repeatable_random_follows_trex_fastrand_and_repeats_every_limit():
    ins = {"type": "flow_var_rand_limit", "name": "v", "size": 2, "limit": 5, "seed": 7,
           "min_value": 1, "max_value": 100, "next_var": None}
    pkts = expand(PKT, [ins, write()])
    # fastrand: seed' = 214013 * 7 + 2531011 = 4029102; (4029102 >> 16) & 0x7fff = 61;
    # value = min + 61 % 100 = 62.
    assert len(pkts) == 5 and field(pkts)[0] == 62
    assert all(1 <= v <= 100 for v in field(pkts))


def test_random_is_seeded_in_range_and_replays_a_window():
    pkts = expand(PKT, [var(lo=1000, hi=1999, op="random"), write()], random_seed=42)
    values = field(pkts)
    assert len(pkts) == RANDOM_WINDOW
    assert all(1000 <= v <= 1999 for v in values) and len(set(values)) > 500
    assert field(expand(PKT, [var(lo=1000, hi=1999, op="random"), write()],
                        random_seed=42)) == values


def test_ipv4_checksum_is_fixed_after_writes():
    pkts = expand(PKT, [var(name="ip", lo=0x0A000001, hi=0x0A000003, size=4), write("ip", 26),
                        {"type": "fix_checksum_ipv4", "pkt_offset": 14}])
    for p in pkts:
        fresh = Ether(p)
        del fresh[IP].chksum
        assert Ether(bytes(fresh))[IP].chksum == Ether(p)[IP].chksum
    assert [Ether(p)[IP].src for p in pkts] == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]


def test_hw_checksum_computes_the_udp_checksum_in_software():
    pkts = expand(PKT, [var(lo=5, hi=6), write(),
                        {"type": "fix_checksum_hw", "l2_len": 14, "l3_len": 20, "l4_type": 11}])
    for p in pkts:
        fresh = Ether(p)
        del fresh[IP].chksum, fresh[UDP].chksum
        again = Ether(bytes(fresh))
        assert (Ether(p)[IP].chksum, Ether(p)[UDP].chksum) == (again[IP].chksum,
                                                                again[UDP].chksum)


def test_cache_limits_the_period():
    assert len(expand(PKT, [var(lo=0, hi=99), write()], vm={"cache": 10})) == 10


def test_no_program_is_one_packet():
    assert expand(PKT, []) == [PKT]


@pytest.mark.parametrize("ins, named", [
    ({"type": "tuple_flow_var", "name": "t", "ip_min": 1, "ip_max": 2, "port_min": 1,
      "port_max": 2, "limit_flows": 0, "flags": 1}, "flags 1"),
    ({"type": "trim_pkt_size", "name": "v"}, "no earlier flow_var"),
    (var(next_var="w"), "next_var 'w' must be the variable defined right after it"),
    ({"type": "nope"}, "'nope' is not supported"),
])
def test_unsupported_instruction_is_named(ins, named):
    with pytest.raises(ExtbenchError, match=named):
        expand(PKT, [ins])


def test_unsupported_program_option_is_named_and_little_endian_mask_works():
    with pytest.raises(ExtbenchError, match="split_cores_by"):
        expand(PKT, [var()], vm={"split_cores_by": "x"})
    mask = {"type": "write_mask_flow_var", "name": "v", "pkt_offset": SPORT, "pkt_cast_size": 2,
            "mask": 0xFF, "shift": 0, "add_value": 0, "is_big_endian": False}
    # The low byte in memory order is the first byte: port 1 (00 01) becomes (05 01).
    assert [p[SPORT:SPORT + 2] for p in expand(PKT, [var(lo=5, hi=6), mask])] == [
        b"\x05\x01", b"\x06\x01"]


def test_bad_programs_are_rejected():
    with pytest.raises(ExtbenchError, match="no earlier flow_var"):
        expand(PKT, [write("nope")])
    with pytest.raises(ExtbenchError, match="past the 60-byte packet"):
        expand(PKT, [var(), write(offset=59)])
    with pytest.raises(ExtbenchError, match="repeats after 40000 packets"):
        expand(PKT, [var(lo=0, hi=39999), write()], max_packets=32768)
