"""The latency probe's packet format, kernel message parsing and statistics (no root)."""

import socket
import statistics
import struct
from types import SimpleNamespace

import pytest

from harness.errors import ExtbenchError
from harness.traffic import latency
from harness.traffic.latency import (
    HEADER,
    PAYLOAD_LEN,
    LatencyProbe,
    pack_probe,
    percentile,
    software_timestamp,
    summarize,
    tx_timestamp_id,
    unpack_probe,
)


def test_probe_fills_a_64_byte_frame_and_round_trips():
    payload = pack_probe(0xDEADBEEF, 41)
    # Ethernet 14 + IPv4 20 + UDP 8 + payload = 60 bytes, 64 with the FCS.
    assert 14 + 20 + 8 + len(payload) + 4 == 64 == 14 + 20 + 8 + PAYLOAD_LEN + 4
    assert payload[:4] == b"XBLP"
    assert struct.unpack("!II", payload[4:12]) == (0xDEADBEEF, 41)
    assert unpack_probe(payload, 0xDEADBEEF) == 41


def test_foreign_payloads_are_not_probes():
    assert unpack_probe(pack_probe(1, 7), 2) is None  # Another run's probe.
    assert unpack_probe(b"XBLQ" + pack_probe(1, 7)[4:], 1) is None  # Wrong magic.
    assert unpack_probe(b"XBLP\0\0", 1) is None  # Too short.
    assert unpack_probe(HEADER.pack(b"XBLP", 1, 2**32 - 1), 1) == 2**32 - 1


def _scm_timestamping(sec: int, nsec: int) -> tuple:
    return (socket.SOL_SOCKET, latency.SO_TIMESTAMPING,
            struct.pack("=qqqqqq", sec, nsec, 0, 0, 0, 0))


def _errqueue(origin: int, info: int, key: int) -> tuple:
    # struct sock_extended_err (ee_errno ENOMSG) followed by an empty sockaddr_in.
    return (0, 11, struct.pack("=IBBBBII", 42, origin, 0, 0, 0, info, key) + bytes(16))


def test_timestamps_are_read_from_the_kernels_control_messages():
    anc = [_errqueue(latency.SO_EE_ORIGIN_TIMESTAMPING, latency.SCM_TSTAMP_SND, 17),
           _scm_timestamping(1_700_000_000, 123_456_789)]
    assert software_timestamp(anc) == 1_700_000_000_123_456_789
    assert tx_timestamp_id(anc) == 17


def test_socket_drops_come_from_rxq_ovfl():
    anc = [_scm_timestamping(1, 2), (socket.SOL_SOCKET, latency.SO_RXQ_OVFL,
                                     struct.pack("=I", 12))]
    assert latency.socket_drops(anc) == 12
    assert latency.socket_drops([_scm_timestamping(1, 2)]) is None


def test_other_control_messages_give_no_timestamp():
    assert software_timestamp([]) is None
    assert software_timestamp([_scm_timestamping(0, 0)]) is None  # Only hardware stamps.
    assert tx_timestamp_id([_errqueue(2, 0, 5)]) is None  # ICMP error, not a timestamp.
    sched = 1  # SCM_TSTAMP_SCHED: queued, not yet sent.
    assert tx_timestamp_id([_errqueue(latency.SO_EE_ORIGIN_TIMESTAMPING, sched, 5)]) is None


def test_percentiles_interpolate_between_ranks():
    values = [float(v) for v in range(1, 101)]  # 1 … 100
    assert percentile(values, 50) == 50.5
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([3.0, 5.0], 50) == 4.0
    assert percentile([7.0], 99) == 7.0
    assert percentile(values, 0) == 1.0 and percentile(values, 100) == 100.0
    # The same definition as the standard library's inclusive quantiles.
    sample = [0.5, 3.0, 3.5, 8.0, 20.0, 21.0, 400.0]
    assert [percentile(sample, q) for q in range(1, 100)] == pytest.approx(
        statistics.quantiles(sample, n=100, method="inclusive"))


def test_summary_joins_both_ends_by_sequence_number():
    tx = {0: 1_000, 1: 2_000, 2: 3_000, 3: 4_000}
    rx = {0: 3_000, 1: 12_000, 3: 5_500}  # Probe 2 was lost.
    # Latencies 2, 10 and 1.5 µs; p99 at rank 0.99 × 2 = 1.98 of [1.5, 2, 10]: 2 + 0.98 × 8.
    r = summarize(tx, rx, sent=4)
    assert r == {"lat_probes_sent": 4, "lat_probes_received": 3, "lat_probes_lost": 1,
                 "lat_samples": 3, "lat_min_us": 1.5, "lat_p50_us": 2.0,
                 "lat_p99_us": pytest.approx(9.84), "lat_max_us": 10.0}


def test_received_probes_without_a_transmit_timestamp_are_counted_not_timed():
    r = summarize({0: 1_000}, {0: 2_000, 1: 9_000}, sent=2)
    assert (r["lat_probes_received"], r["lat_samples"], r["lat_max_us"]) == (2, 1, 1.0)


def test_no_probe_back_gives_no_latency_figures():
    r = summarize({0: 1_000, 1: 2_000}, {}, sent=2)
    assert r["lat_probes_lost"] == 2 and r["lat_samples"] == 0
    assert r["lat_min_us"] is r["lat_p50_us"] is r["lat_p99_us"] is r["lat_max_us"] is None


def _endpoint(name: str, ip: str | None) -> SimpleNamespace:
    return SimpleNamespace(name=name, intf=f"{name}-eth0", mac="02:00:00:00:00:01", ip=ip)


@pytest.mark.parametrize("pps", [0, -5, 1e6])
def test_bad_rate_is_refused(pps):
    with pytest.raises(ExtbenchError, match="latency probe rate"):
        LatencyProbe(_endpoint("a", "10.0.0.1"), _endpoint("b", "10.0.0.2"), pps=pps)


def test_endpoint_without_address_is_refused():
    with pytest.raises(ExtbenchError, match="b .*no IPv4 address"):
        LatencyProbe(_endpoint("a", "10.0.0.1"), _endpoint("b", None))


def test_no_result_before_the_block_ran():
    probe = LatencyProbe(_endpoint("a", "10.0.0.1"), _endpoint("b", "10.0.0.2"))
    with pytest.raises(ExtbenchError, match="no result"):
        probe.result()


def test_sender_command_line_is_bounded():
    probe = LatencyProbe(_endpoint("a", "10.0.0.1"), _endpoint("b", "10.0.0.2"), pps=500,
                         max_duration_s=12)
    argv = probe._argv("send", "/tmp/x.json")
    assert argv[1:4] == ["-m", "harness.traffic.latency", "send"]
    opts = dict(zip(argv[4::2], argv[5::2], strict=True))
    assert opts["--count"] == "6000" and opts["--duration"] == "12.000"
    assert opts["--dst"] == "10.0.0.2" and opts["--intf"] == "a-eth0"
    assert opts["--port"] == str(latency.PROBE_PORT)


def test_program_refuses_send_without_destination(capsys):
    with pytest.raises(SystemExit):
        latency.main(["send", "--intf", "lo", "--run-id", "1", "--out", "/dev/null",
                      "--duration", "1"])
    assert "send needs --dst" in capsys.readouterr().err


def test_probes_are_counted_within_the_engines_counter_window():
    probe = latency.LatencyProbe.__new__(latency.LatencyProbe)
    probe.ends = {"send": {"user_ns": [1, 5, 9]}, "recv": {"user_ns": [2, 6, 10]}}
    assert probe.counts_within(4, 9) == (2, 1)
