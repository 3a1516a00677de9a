"""The dpdk port type's pieces that need no DPDK: hugepage bookkeeping, the engine's
packet files and probe packets, OVS's DPDK settings."""

import os
import struct

import pytest
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

from harness.dpdk import hugepages
from harness.errors import ExtbenchError
from harness.net.dpdk import hugepage_mb, ovs_other_config
from harness.traffic import latency
from harness.traffic.dpdk import PROBE_OFFSET, DpdkPort, packet_file, probe_packet


def fake_pool(tmp_path, total: int, free: int):
    pool = tmp_path / "hugepages-2048kB"
    pool.mkdir()
    (pool / "nr_hugepages").write_text(f"{total}\n")
    (pool / "free_hugepages").write_text(f"{free}\n")
    return pool


def test_enough_free_pages_take_nothing_more(tmp_path, monkeypatch):
    monkeypatch.setattr(hugepages, "MARKER_DIR", tmp_path)
    pool = fake_pool(tmp_path, 100, 100)
    with hugepages.reserved(100, pool) as pages:
        assert pages == 50
        assert hugepages.total_pages(pool) == 100
    assert hugepages.total_pages(pool) == 100


def test_a_pool_that_cannot_grow_is_a_clear_error_and_is_given_back(tmp_path, monkeypatch):
    monkeypatch.setattr(hugepages, "MARKER_DIR", tmp_path)
    # Writing nr_hugepages here grows the count but frees nothing (no memory to be had).
    pool = fake_pool(tmp_path, 10, 10)
    with pytest.raises(ExtbenchError, match="hugepages"):
        with hugepages.reserved(100, pool):
            pass
    assert hugepages.total_pages(pool) == 10
    assert not list(tmp_path.glob("xb-dpdk-*"))


def test_missing_pool_names_the_problem(tmp_path):
    with pytest.raises(ExtbenchError, match="no 2 MiB hugepages"):
        with hugepages.reserved(10, tmp_path / "nope"):
            pass


def test_clean_gives_back_the_pages_of_a_killed_run(tmp_path, monkeypatch):
    monkeypatch.setattr(hugepages, "MARKER_DIR", tmp_path)
    pool = fake_pool(tmp_path, 300, 300)
    (tmp_path / "xb-dpdk-999999-hugepages-0").write_text("200")
    (tmp_path / "xb-dpdk-1-hugepages-0").write_text("50")  # Its run is alive.
    removed = hugepages.sweep(lambda pid: pid == 1, pool)
    assert len(removed) == 1 and "200 pages" in removed[0]
    assert hugepages.total_pages(pool) == 100
    assert (tmp_path / "xb-dpdk-1-hugepages-0").exists()


def test_packet_file_holds_streams_lengths_and_bytes(tmp_path):
    path = packet_file([(0, b"\x01" * 60), (3, b"\x02" * 64)])
    try:
        data = open(path, "rb").read()
    finally:
        os.unlink(path)
    assert data[:4] == b"XBPK" and struct.unpack_from("<I", data, 4)[0] == 2
    assert struct.unpack_from("<HH", data, 8) == (0, 60)
    assert struct.unpack_from("<HH", data, 72) == (3, 64) and data[76:] == b"\x02" * 64


def test_probe_is_a_valid_udp_packet_with_room_for_the_stamp():
    tx = DpdkPort("xbh1", "net_virtio_user0", "00:00:00:00:00:01", "10.0.0.1", 0)
    rx = DpdkPort("xbh2", "net_virtio_user1", "00:00:00:00:00:02", "10.0.0.2", 1)
    pkt = probe_packet(tx, rx)
    assert len(pkt) == 60 and len(pkt) >= PROBE_OFFSET + 16
    p = Ether(pkt)
    assert p[Ether].src == tx.mac and p[Ether].dst == rx.mac
    assert p[IP].src == "10.0.0.1" and p[IP].dst == "10.0.0.2"
    assert p[UDP].sport == p[UDP].dport == latency.PROBE_PORT
    chksum = p[IP].chksum
    del p[IP].chksum
    assert IP(bytes(p[IP]))[IP].chksum == chksum  # scapy recomputes the same checksum.
    assert bytes(p[UDP].payload) == bytes(60 - PROBE_OFFSET)


def test_ovs_settings_pin_the_pmd_and_the_main_thread():
    cfg = ovs_other_config("xb-dpdk-1-ovs0", 0, 1)
    assert cfg["dpdk-init"] == "true" and cfg["pmd-cpu-mask"] == "0x2"
    assert cfg["dpdk-lcore-mask"] == "0x1"
    assert "--file-prefix=xb-dpdk-1-ovs0" in cfg["dpdk-extra"]
    assert hugepage_mb(3) > hugepage_mb(2) > 0
