"""Tagged Packet Groups in the dpdk engine, sent, captured and counted at the receiver.

TRex's ``STLTaggedPktGroup`` streams (the fixture tpg_vlans.py, in the style of TRex's
tpg_1tag_stream.py and tpg_dot1q_vm.py) are sent on a ``net_ring`` port (a loopback,
``--no-huge``). The captured packets must be the profile's packets (``local.timed``) with
TRex's TPG header in their last 16 bytes (magic 0xE50B5CC1, tpgid, sequence number per
tpgid, 0), and the engine's counters per tpgid and tag must be what TRex's receive side
(trex-core src/stx/common/trex_tpg_stats.cpp, ``RxTPGPerPort::handle_pkt`` and
``CTPGTagCntr::update_cntrs``, restated below as the oracle) counts for those packets.
"""

import os
import struct
from pathlib import Path

import pytest

from harness.errors import ExtbenchError
from harness.traffic import local, tpg
from harness.traffic.dpdk import packet_file, timed_set
from harness.traffic.profile import compile_streams
from tests.integration.test_trex_modes_wire import read_pcap, ring_engine

pytestmark = [pytest.mark.root, pytest.mark.integration]

FIXTURES = Path(__file__).parent.parent / "unit" / "fixtures" / "profiles"
MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"
TAGS = [{"type": "Dot1Q", "value": {"vlan": v}} for v in (1, 2, 3)] + [
    {"type": "QinQ", "value": {"vlans": [1, 100]}}]


def trex_counts(packets: list[bytes], tags: list[dict]) -> dict:
    """What TRex's receive side counts for 'packets': {(tpgid, tag id or 'unknown'):
    counters}."""
    ids = {}
    for i, t in enumerate(tags):
        key = (t["value"]["vlan"],) if t["type"] == "Dot1Q" else tuple(t["value"]["vlans"])
        ids[key] = i
    out: dict = {}
    for p in packets:
        magic, tpgid, seq, _ = struct.unpack("<IIII", p[-16:])
        assert magic == 0xE50B5CC1
        tag = "unknown"
        if p[12:14] == b"\x81\x00":
            v1 = int.from_bytes(p[14:16], "big") & 0xFFF
            if p[16:18] == b"\x81\x00":
                tag = ids.get((v1, int.from_bytes(p[18:20], "big") & 0xFFF), "unknown")
            else:
                tag = ids.get((v1,), "unknown")
        c = out.setdefault((tpgid, tag), {"pkts": 0, "bytes": 0, "seq_err": 0,
                                           "seq_err_too_big": 0, "seq_err_too_small": 0,
                                           "dup": 0, "ooo": 0, "exp": 0})
        if seq > c["exp"]:
            c["seq_err"] += seq - c["exp"]
            c["seq_err_too_big"] += 1
            c["exp"] = seq + 1
        elif seq == c["exp"]:
            c["exp"] = seq + 1
        else:
            if seq == c["exp"] - 1:
                c["dup"] += 1
            else:
                c["ooo"] += 1
                c["seq_err"] = max(0, c["seq_err"] - 1)
            c["seq_err_too_small"] += 1
        c["pkts"] += 1
        c["bytes"] += len(p) + 4
    for c in out.values():
        del c["exp"]
    return out


def test_tpg_streams_are_tagged_sequenced_and_counted_per_tag(tmp_path):
    streams = compile_streams("tpg_vlans", {"burst": 12}, directory=FIXTURES)
    grouped = tpg.groups(streams)
    assert [(g.stream, g.tpgid) for g in grouped] == [(i, i) for i in range(6)]
    sent = local.timed(streams, MAC_A, MAC_B, None)
    packets, programs, nodes = timed_set(streams, MAC_A, MAC_B)
    files = [packet_file(packets, programs=programs, nodes=nodes), tpg.conf_file(TAGS, 6)]
    try:
        with ring_engine() as call:
            call(f"load {files[0]}")
            assert call(f"tpg-conf {files[1]}") == {"ok": True, "tpgids": 6, "tags": 4}
            for g in grouped:
                call(f"tpg {g.stream} {g.tpgid}")
            with pytest.raises(RuntimeError, match="already stream 0's"):
                call("tpg 7 0")
            call(f"capture 0 100 {tmp_path / 'rx.pcap'}")
            reply = call("run 0 0 1.0 0")
    finally:
        for f in files:
            os.unlink(f)
    got = [p for _, p in read_pcap(tmp_path / "rx.pcap")]
    assert reply["tx"] == len(got) == 72 and reply["rx_by_port"] == [72]
    # The profile's packets, each with its tpgid's next sequence number at its end.
    seq: dict[int, int] = {}
    want = []
    for _, k, p in sent:
        n = seq.get(k, 0)
        seq[k] = n + 1
        want.append(p[:-16] + struct.pack("<IIII", 0xE50B5CC1, k, n, 0))
    assert got == want
    # Counted as TRex counts: per tag, with the field engine's stream spread over three
    # tags (sequence errors), the untagged stream as an unknown tag.
    oracle = trex_counts(got, TAGS)
    assert oracle[(5, 1)]["seq_err"] > 0 and (4, "unknown") in oracle
    rx = {(t, tag if tag < 4 else "unknown"): dict(zip(
        ("pkts", "bytes", "seq_err", "seq_err_too_big", "seq_err_too_small", "dup", "ooo"),
        values, strict=True)) for port, t, tag, *values in reply["tpg"]["rx"] if port == 0}
    assert rx == oracle
    assert reply["tpg"]["tx"] == [[t, 12, sum(len(p) + 4 for _, k, p in sent if k == t)]
                                  for t in range(6)]
    # In get_tpg_stats's shape: sections of equal counters, the unknown tag.
    record = tpg.stats(reply, grouped, 4, {0: "h2"})
    assert record["tx"]["0"] == {"pkts": 12, "bytes": 12 * 78}
    assert record["rx"]["h2"]["0"] == {"0": oracle[(0, 0)], "1-3": dict.fromkeys(
        oracle[(0, 0)], 0), "unknown_tag": dict.fromkeys(oracle[(0, 0)], 0)}
    assert record["rx"]["h2"]["3"]["3"] == oracle[(3, 3)]  # QinQ is tag id 3.
    assert record["rx"]["h2"]["4"]["unknown_tag"] == oracle[(4, "unknown")]
    assert set(record["rx"]["h2"]["5"]) == {"0", "1", "2", "3", "unknown_tag"}


def test_tpg_configuration_and_streams_are_checked():
    with pytest.raises(ExtbenchError, match="TPG tag 1 .* not a Dot1Q tag"):
        tpg.check_tags([TAGS[0], {"type": "Dot1Q", "value": {"vlan": 4095}}])
    with pytest.raises(ExtbenchError, match="given twice"):
        tpg.check_tags([TAGS[0], TAGS[0]])
    streams = compile_streams("tpg_vlans", {}, directory=FIXTURES)
    streams[1].json["flow_stats"]["stream_id"] = 0
    with pytest.raises(ExtbenchError, match="tpgid 0 is already another stream's"):
        tpg.groups(streams)


def test_dpdk_engine_records_tpg_stats_through_its_trial_interface():
    # The trial's path (DpdkEngine) with the default tags (every Dot1Q VLAN: tag id
    # VLAN - 1); hugepages reserved and given back.
    from harness.dpdk import hugepages
    from harness.dpdk.process import EngineProcess
    from harness.net.dpdk import ENGINE_MB
    from harness.traffic.dpdk import DpdkEngine, DpdkPort

    streams = compile_streams("tpg_vlans", {"burst": 20}, directory=FIXTURES)
    port = DpdkPort("h2", "net_ring0", MAC_A, "16.0.0.1", 0)
    pages = hugepages.total_pages()
    cpu = sorted(os.sched_getaffinity(0))[0]
    with hugepages.reserved(ENGINE_MB), EngineProcess(["net_ring0"], cpu) as proc:
        engine = DpdkEngine(proc)
        result = engine.run(streams, port, [port], rate_pps=None, duration_s=1.0)
    assert hugepages.total_pages() == pages
    assert result.tx_pkts == result.rx_pkts == 120
    stats = engine.tpg_stats
    assert {k: v["pkts"] for k, v in stats["tx"].items()} == {str(t): 20 for t in range(6)}
    rx = stats["rx"]["h2"]
    clean = {"pkts": 20, "bytes": 20 * 78, "seq_err": 0, "seq_err_too_big": 0,
             "seq_err_too_small": 0, "dup": 0, "ooo": 0}
    zero = dict.fromkeys(clean, 0)
    assert rx["0"] == {"0": clean, "1-4093": zero, "unknown_tag": zero}
    assert rx["2"] == {"0-1": zero, "2": clean, "3-4093": zero, "unknown_tag": zero}
    # QinQ (1, 100) is no configured tag here; nor is an untagged packet.
    assert rx["3"]["unknown_tag"]["pkts"] == rx["4"]["unknown_tag"]["pkts"] == 20
    # The field engine's stream: VLANs 1, 2, 3, 1, …: 7, 7 and 6 packets, sequence
    # numbers 3 apart (TRex's tpg_dot1q_vm.py: "meant to have sequence errors").
    assert [rx["5"][k]["pkts"] for k in ("0", "1", "2")] == [7, 7, 6]
    assert rx["5"]["1"]["seq_err"] == 1 + 6 * 2 and rx["5"]["1"]["seq_err_too_big"] == 7
