"""harness.traffic.tpg without an engine: tags, the engine's configuration file, and the
get_tpg_stats shape (sections of equal counters, as TRex's server compresses them)."""

import json
import os
import struct
from pathlib import Path

import pytest

from harness.errors import ExtbenchError
from harness.traffic import tpg

C = ("pkts", "bytes", "seq_err", "seq_err_too_big", "seq_err_too_small", "dup", "ooo")


def test_conf_file_holds_tpgids_and_tags():
    path = tpg.conf_file([{"type": "Dot1Q", "value": {"vlan": 5}},
                          {"type": "QinQ", "value": {"vlans": [20, 30]}}], 3)
    try:
        data = Path(path).read_bytes()
    finally:
        os.unlink(path)
    assert data == b"XBTG" + struct.pack("<II", 3, 2) + struct.pack("<HHHHHH", 1, 5, 0,
                                                                      2, 20, 30)


def test_bad_tags_are_refused(tmp_path):
    for bad in ({"type": "Dot1Q", "value": {"vlan": 0}}, {"type": "VxLAN", "value": {}},
                {"type": "QinQ", "value": {"vlans": [1]}}, "Dot1Q"):
        with pytest.raises(ExtbenchError, match="TPG tag 0"):
            tpg.check_tags([bad])
    f = tmp_path / "tags.json"
    f.write_text(json.dumps({"type": "Dot1Q"}))
    with pytest.raises(ExtbenchError, match="a JSON list"):
        tpg.load_tags(f)
    f.write_text(json.dumps([{"type": "Dot1Q", "value": {"vlan": 7}}]))
    assert tpg.load_tags(f) == [{"type": "Dot1Q", "value": {"vlan": 7}}]


def test_stats_in_get_tpg_stats_shape():
    # TRex's docstring example: tag 201 of tpgid 1 got 3 packets, the rest none.
    reply = {"tpg": {"tx": [[1, 3, 204]],
                     "rx": [[0, 1, 201, 3, 204, 2, 1, 0, 0, 0],
                            [0, 1, 4000, 1, 70, 0, 0, 0, 0, 0]]}}
    stats = tpg.stats(reply, [tpg.TpgStream(0, 1)], 4000, {0: "h2"})
    zero = dict.fromkeys(C, 0)
    assert stats["tx"] == {"1": {"pkts": 3, "bytes": 204}}
    assert stats["rx"]["h2"]["1"] == {
        "0-200": zero, "201": dict(zip(C, (3, 204, 2, 1, 0, 0, 0), strict=True)),
        "202-3999": zero, "unknown_tag": dict(zip(C, (1, 70, 0, 0, 0, 0, 0), strict=True))}
    # Equal neighbours merge, as on the server.
    same = [[0, 0, t, 2, 140, 0, 0, 0, 0, 0] for t in (3, 4, 5)]
    rx = tpg.stats({"tpg": {"tx": [], "rx": same}}, [tpg.TpgStream(0, 0)], 8,
                   {0: "h"})["rx"]["h"]["0"]
    assert list(rx) == ["0-2", "3-5", "6-7", "unknown_tag"] and rx["3-5"]["pkts"] == 2
