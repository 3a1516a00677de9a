"""Check an executor of BPF programs against an extension's expected scenarios.

An executor is anything with ``run(pkt, repeat) -> (return value, output bytes)`` and
``dump_map(name) -> [(key bytes, value bytes)]``: ``kernel.KernelProgram`` here, and the
OVS runtime's own wrapper for differential tests. Each scenario runs on a freshly loaded
program, its steps in order (maps persist between them). Besides the expected verdicts,
output bytes and map contents, every byte the program changed must lie in the declared
writes of the packet's stack (of any stack for packets outside them; none for filters).
"""

from typing import Any, Protocol

from harness.bpf import packets
from harness.bpf.metadata import Extension

VERDICTS = {"action": {"pass": 2, "fail": 1}, "filter": {"pass": 1, "fail": 0}}
"""Return value of each verdict, per role: XDP_PASS/XDP_DROP, or match/no match."""


class Executor(Protocol):
    """What runs one loaded program."""

    def run(self, pkt: bytes, repeat: int = 1) -> tuple[int, bytes]:
        """Run on 'pkt' 'repeat' times; return (last return value, packet bytes after)."""

    def dump_map(self, name: str) -> list[tuple[bytes, bytes]]:
        """Every (key, value) of map 'name'."""


def diff_offsets(a: bytes, b: bytes) -> list[int]:
    """Offsets where 'a' and 'b' differ (a length difference counts from the shorter end)."""
    n = min(len(a), len(b))
    return [i for i in range(n) if a[i] != b[i]] + list(range(n, max(len(a), len(b))))


def run_scenario(ext: Extension, role: str, scenario: dict[str, Any],
                 executor: Executor) -> list[str]:
    """Run 'scenario' of 'ext' built for 'role' on 'executor'; return the mismatches."""
    problems = []
    where = f"{ext.name}.{role}: scenario '{scenario['name']}'"
    for j, step in enumerate(scenario["steps"]):
        pkt = packets.packet_bytes(step["packet"])
        ret, out = executor.run(pkt, step.get("repeat", 1))
        want_ret = VERDICTS[role][step["verdict"]]
        if ret != want_ret:
            problems.append(f"{where} step {j}: returned {ret}, expected {want_ret} "
                            f"({step['verdict']})")
        stack = packets.stack(step["packet"])
        allowed = ext.ranges("writes", stack) if role == "action" else []
        outside = [i for i in diff_offsets(pkt, out) if not any(s <= i < e for s, e in allowed)]
        if outside:
            problems.append(f"{where} step {j}: wrote bytes {outside}, outside the declared "
                            f"writes {allowed} of stack {stack or 'any'}")
        rewrites = step.get("rewrites", {}) if role == "action" else {}
        want = packets.expected_bytes(step["packet"], rewrites)
        if out != want:
            problems.append(f"{where} step {j}: output differs from the expected at bytes "
                            f"{diff_offsets(out, want)}: got {out.hex()}, want {want.hex()}")
    for name, check in scenario.get("maps", {}).items():
        problems += [f"{where}: map {name}: {p}"
                     for p in _check_map(ext, name, check, executor.dump_map(name))]
    return problems


def _check_map(ext: Extension, name: str, check: dict[str, Any],
               entries: list[tuple[bytes, bytes]]) -> list[str]:
    """Mismatches between map 'name' holding 'entries' and 'check' (entries, contain)."""
    spec = ext.maps[name]
    problems = []
    if "entries" in check and len(entries) != check["entries"]:
        problems.append(f"{len(entries)} entries, expected {check['entries']}")
    decoded = [(spec.key.decode(k), spec.value.decode(v)) for k, v in entries]
    for want in check.get("contain", []):
        if not any(_sub(want["key"], k) and _sub(want.get("value", {}), v) for k, v in decoded):
            problems.append(f"no entry matches {want} (entries: {decoded[:8]})")
    return problems


def _sub(want: dict[str, Any], got: dict[str, Any]) -> bool:
    """True if every field of 'want' has the same value in 'got'."""
    return all(got.get(k) == v for k, v in want.items())
