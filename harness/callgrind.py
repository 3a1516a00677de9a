"""Counting a running daemon's instructions with valgrind's callgrind.

The daemon runs under ``valgrind --tool=callgrind`` with collection off except inside one
function (``--collect-atstart=no --toggle-collect=FUNCTION``): what callgrind counts is then
the instructions executed in that function and everything it calls, in any thread.
``callgrind_control`` zeroes the counters and dumps them while the daemon runs; a dump's
file gives the total (``totals:``/``summary:`` line) and ``callgrind_annotate`` the cost
per function. Instructions are Valgrind's guest instructions ("Ir"): deterministic for a
given input and code path, but they are not cycles (no cache misses, branch mispredictions
or memory stalls), and code that picks an implementation by CPUID (e.g. OVS's AVX-512
lookups) sees the CPU Valgrind emulates.
"""

import re
import shutil
import time
from pathlib import Path

from harness.errors import ExtbenchError
from harness.proc import run_checked

#: Callgrind's event of executed instructions.
EVENT = "Ir"
_TOTALS = re.compile(r"^totals:\s+(\d+)", re.M)
_TOTAL = re.compile(r"^(?:totals|summary):\s+(\d+)", re.M)
# callgrind_annotate: "  1,234 (12.34%)  file:function [object]" (the percentage column
# is there from valgrind 3.18 on).
_ANNOTATE = re.compile(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(.+?)\s*$")
#: Code without a symbol (the BPF runtime's JIT output lives in anonymous memory) shows as
#: an address; such functions are summed under this name.
ANONYMOUS = "[anonymous code: JIT]"


def wrapper(out_file: Path, function: str, vgdb_prefix: Path) -> tuple[str, ...]:
    """The valgrind command line that runs a program counting only inside 'function'."""
    if shutil.which("valgrind") is None:
        raise ExtbenchError("valgrind is not installed (apt-get install valgrind)")
    return ("valgrind", "--tool=callgrind", "-q", "--collect-atstart=no",
            f"--toggle-collect={function}", f"--callgrind-out-file={out_file}",
            f"--vgdb-prefix={vgdb_prefix}", "--vgdb=yes")


def parse_total(text: str) -> int:
    """Total instructions of a callgrind output file: its 'totals:' line (the sum of its
    cost lines, which the costs per function add up to), else its 'summary:' line (the
    counter at the dump, what callgrind_annotate prints as PROGRAM TOTALS; seen up to
    0.2 % below the totals when counting was toggled on in a function)."""
    m = _TOTALS.search(text) or _TOTAL.search(text)
    if not m:
        raise ExtbenchError("callgrind output: no 'totals:' or 'summary:' line")
    return int(m.group(1))


def function_name(location: str) -> str:
    """The function of a callgrind_annotate location "file:function [object]"; code at an
    address in no object ("???:0x… [???]") is ANONYMOUS, an address in a known object
    keeps the object's name ("libc.so.6:0x…")."""
    m = re.match(r"^(.*?)(?:\s+\[([^\]]*)\])?$", location.strip())
    place, obj = m.group(1), m.group(2)
    name = place.rsplit(":", 1)[-1] if ":" in place else place
    if re.fullmatch(r"0x[0-9a-fA-F]+", name):
        return ANONYMOUS if obj in (None, "???") else f"{Path(obj).name}:{name}"
    return name


def parse_annotate(text: str) -> dict[str, int]:
    """Instructions per function from ``callgrind_annotate`` output (functions with the
    same name in several files, inlined parts, are added).

    Left out: 'PROGRAM TOTALS', and, when counting was toggled on inside one function, the
    frames below it (``(below main)``, ``__libc_start_main`` …), which callgrind_annotate
    lists with the whole total as their own cost.
    """
    costs: dict[str, int] = {}
    total, in_table = None, False
    for line in text.splitlines():
        m = _ANNOTATE.match(line)
        if m and "PROGRAM TOTALS" in m.group(2):
            total = int(m.group(1).replace(",", ""))
            continue
        if re.match(rf"^{EVENT}\s+file:function", line.strip()):
            in_table = True
            continue
        if not in_table or line.startswith("-"):
            continue
        if not line.strip():
            if costs:
                break
            continue
        if not m:
            continue
        cost = int(m.group(1).replace(",", ""))
        if total is not None and cost >= total and _is_outer_frame(m.group(2)):
            continue
        name = function_name(m.group(2))
        costs[name] = costs.get(name, 0) + cost
    return costs


def _is_outer_frame(location: str) -> bool:
    """A frame that encloses everything a toggled count saw: the C runtime's start-up
    functions, or code in the dynamic loader."""
    return bool(re.search(r"\(below main\)|__libc_start_main|\[[^\]]*/ld-linux[^\]]*\]$",
                          location))


def annotate(out_file: Path, inclusive: bool = False) -> dict[str, int]:
    """Instructions per function of a dump, self (default) or inclusive of callees."""
    text = run_checked(["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}",
                        "--threshold=100", "--auto=no", str(out_file)])
    return parse_annotate(text)


class Control:
    """``callgrind_control`` of one process started with ``wrapper(out_file, ...)``."""

    def __init__(self, pid: int, out_file: Path, vgdb_prefix: Path):
        self.pid, self.out_file, self.vgdb_prefix = pid, out_file, vgdb_prefix

    def _run(self, *args: str) -> str:
        return run_checked(["callgrind_control", f"--vgdb-prefix={self.vgdb_prefix}", *args,
                            str(self.pid)])

    def zero(self) -> None:
        """Zero every counter."""
        self._run("--zero")

    def dump(self, timeout_s: float = 60.0) -> Path:
        """Dump the counters (and zero them); the new dump's file."""
        before = set(self.dumps())
        self._run("--dump")
        deadline = time.monotonic() + timeout_s
        while True:
            new = [p for p in self.dumps() if p not in before]
            if new and _TOTALS.search(new[0].read_text(errors="replace")):
                return new[0]
            if time.monotonic() > deadline:
                raise ExtbenchError(f"callgrind wrote no dump of process {self.pid} into "
                                    f"{self.out_file.parent} within {timeout_s:.0f} s")
            time.sleep(0.1)

    def dumps(self) -> list[Path]:
        """Dump files so far (callgrind names them OUT_FILE.N)."""
        return sorted(self.out_file.parent.glob(f"{self.out_file.name}.*"))
