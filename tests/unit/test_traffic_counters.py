"""Parsing /proc/net/dev as read inside a namespace (saved real output)."""

from pathlib import Path

import pytest

from harness.errors import ExtbenchError
from harness.traffic.counters import Counters, parse_proc_net_dev

DATA = (Path(__file__).parent / "data" / "proc-net-dev.txt").read_text()


def test_counters_of_an_interface():
    assert parse_proc_net_dev(DATA, "xbta") == Counters(rx_packets=0, rx_dropped=0,
                                                        tx_packets=500, tx_dropped=0)


def test_missing_interface_is_named():
    with pytest.raises(ExtbenchError, match="'eth9' not found"):
        parse_proc_net_dev(DATA, "eth9")
