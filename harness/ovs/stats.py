"""Parsers for what ``ovs-appctl`` prints about the userspace datapath.

They are tested against saved real output in tests/unit/data/.
"""

import re

# pmd-stats-show line label → record field name.
PMD_FIELDS = {
    "packets received": "packets",
    "packet recirculations": "recirculations",
    "phwol hits": "phwol_hits",
    "mfex opt hits": "mfex_opt_hits",
    "simple match hits": "simple_match_hits",
    "emc hits": "emc_hits",
    "smc hits": "smc_hits",
    "megaflow hits": "megaflow_hits",
    "miss with success upcall": "upcalls",
    "miss with failed upcall": "failed_upcalls",
    "idle cycles": "idle_cycles",
    "processing cycles": "processing_cycles",
}
_LINE = re.compile(r"^\s+([a-z. ]+):\s+([0-9.]+)")
_THREAD = re.compile(r"^(main thread|pmd thread .*):\s*$")


def parse_pmd_stats(text: str) -> dict[str, dict[str, float]]:
    """Per thread ("main thread", "pmd thread numa_id 0 core_id 1"), the counters by field."""
    threads: dict[str, dict[str, float]] = {}
    current: dict[str, float] | None = None
    for line in text.splitlines():
        m = _THREAD.match(line)
        if m:
            current = threads.setdefault(m.group(1), {})
            continue
        m = _LINE.match(line)
        if m and current is not None and m.group(1) in PMD_FIELDS:
            current[PMD_FIELDS[m.group(1)]] = float(m.group(2))
    return threads


def sum_pmd_stats(text: str) -> dict[str, float]:
    """The counters of every thread added up, plus the derived per-packet figures."""
    total = {field: 0.0 for field in PMD_FIELDS.values()}
    for counters in parse_pmd_stats(text).values():
        for field, value in counters.items():
            total[field] += value
    packets = total["packets"]
    total["passes_per_pkt"] = ((packets + total["recirculations"]) / packets
                               if packets else float("nan"))
    # Per received packet, all its datapath passes included (pmd-perf-show divides by
    # passes instead), so that re-classification shows as the cost it is.
    total["cycles_per_pkt"] = (total["processing_cycles"] / packets
                               if total["processing_cycles"] and packets else float("nan"))
    return total


def parse_dp_flow_count(text: str) -> int:
    """Datapath flows (megaflows) from ``dpctl/show``, summed over datapaths."""
    return sum(int(m.group(1)) for m in re.finditer(r"^\s+flows:\s+(\d+)", text, re.M))


def parse_coverage(text: str) -> dict[str, int]:
    """Totals of ``coverage/show`` counters ("name  x/sec  y/sec  z/sec  total: N")."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(\w+)\s+.*total:\s+(\d+)", text, re.M)}


#: Coverage counters of the refined variant's run-time check after a bpf action.
BPF_CHECK_COUNTERS = ("bpf_check_changed", "bpf_check_unchanged")


def coverage_deltas(before: dict[str, int], after: dict[str, int],
                    names: tuple[str, ...]) -> dict[str, int]:
    """How much each counter in 'names' grew (0 for a counter neither side has)."""
    return {name: after.get(name, 0) - before.get(name, 0) for name in names}


_PORT_DIRECTION = re.compile(r"\b(rx|tx) pkts=\S+, bytes=\S+, drop=(\d+|\?), errs=(\d+|\?)")
_TX_RETRIES = re.compile(r"\bovs_tx_retries=(\d+)")


def parse_port_counters(text: str) -> dict[str, int]:
    """Drops, errors and vhost retries of every port in ``ovs-ofctl dump-ports``, summed.

    Keys: rx_dropped, rx_errors, tx_dropped, tx_errors ("?" counts 0), and tx_retries:
    the custom statistic ``ovs_tx_retries`` of vhost-user ports (times OVS retried a
    send to a full virtio ring before dropping), printed only for OpenFlow 1.4 or later
    and 0 for ports that lack it.
    """
    total = dict.fromkeys(("rx_dropped", "rx_errors", "tx_dropped", "tx_errors"), 0)
    for m in _PORT_DIRECTION.finditer(text):
        direction, drop, errs = m.groups()
        total[f"{direction}_dropped"] += int(drop) if drop != "?" else 0
        total[f"{direction}_errors"] += int(errs) if errs != "?" else 0
    total["tx_retries"] = sum(int(n) for n in _TX_RETRIES.findall(text))
    return total


_SS_DROPS = re.compile(r"skmem:\([^)]*\bd(\d+)\)")


def parse_socket_drops(text: str, pid: int) -> int:
    """Packets dropped by the sockets of process 'pid' (``ss -0 -m -p``: skmem's d).

    A packet socket's drop count grows when a packet arrives at a full receive buffer:
    for ovs-vswitchd's system ports, packets that reached the port but that OVS did not
    read in time. ``ss`` prints each socket on a line of its own followed by indented
    detail lines, where skmem is.
    """
    total, ours = 0, False
    for line in text.splitlines():
        if line and not line[0].isspace():
            ours = f",pid={pid}," in line
        if ours:
            total += sum(int(d) for d in _SS_DROPS.findall(line))
    return total
