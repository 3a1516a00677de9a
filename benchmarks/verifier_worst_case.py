"""The verifier's time on adversarial programs, against its budgets (issue 14).

Generates programs in BPF assembly that attack the verifier's time: ``joins-N`` (N packet tests
that each move a packet pointer by a different power of two, so that states never prune or
merge), ``stack-N`` (the same with the pointer spilled below 63 initialised stack slots and a
join point at every other instruction, so that each state comparison walks the whole stack),
``ids-N`` (the same with 31 pairs of linked scalars spilled, so that each comparison also walks
the id map) and ``flags-N`` (N independent flag tests, which the kernel accepts). Each is
compiled with clang and verified by ``ovstest test-bpf verify`` of the ``runtime`` variant, in
its own process; the line printed gives the process's CPU time (user + system, loading
included) and the verdict or the rejection. Usage:

    .venv/bin/python -m benchmarks.verifier_worst_case [--sizes 40 64 128] [--json OUT]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.bpf.compile import CLANG, multiarch_include
from harness.bpf.ovs import ovstest_path

SUITE = Path(__file__).resolve().parents[1] / "tests" / "bpf_verifier"
BUDGET_S = 1.0
"""The verifier's CPU budget (BPF_VERIFIER_MAX_CPU_MS)."""


def _asm(lines: list[str]) -> str:
    body = "\n".join(f'"{line}\\n"' for line in lines)
    return f'#include "xbtest.h"\nASM_PROG(\n{body}\n);\nLICENSE;\n'


def joins(n: int, spill: bool = False, ids: bool = False) -> str:
    """N pointer-moving tests; 'spill': a join point every other instruction and the pointer
    spilled below the rest of the stack; 'ids': the rest of the stack holds linked scalars."""
    a = ["r2 = *(u32 *)(r1 + 0)", "r3 = *(u32 *)(r1 + 4)", "r6 = r2", "r6 += 64",
         "if r6 > r3 goto l_out"]
    if ids:
        for k, s in enumerate(range(16, 512, 16)):
            a += [f"r7 = *(u8 *)(r2 + {k})", "r8 = r7", f"*(u64 *)(r10 - {s}) = r7",
                  f"*(u64 *)(r10 - {s + 8}) = r8"]
    elif spill:
        a.append("r7 = 0")
        a += [f"*(u64 *)(r10 - {s}) = r7" for s in range(16, 513, 8)]
    a += ["r4 = r2", "r5 = r2"]
    for i in range(n):
        a += [f"r0 = *(u8 *)(r2 + {i % 64})", f"if r0 == {i} goto l{i}",
              f"r{4 if spill or ids else 4 + i % 2} += {1 << (i % 20)}", f"l{i}:"]
        if spill or ids:
            a += ["*(u64 *)(r10 - 8) = r4", f"if r0 == {i + 1} goto m{i}", f"m{i}:"]
    a += ["l_out:", "r0 = 2", "exit"]
    return _asm(a)


def flags(n: int) -> str:
    """N independent tests that each flip bits of a returned value (the kernel accepts it)."""
    tests = "\n".join(f"    if (d[{i % 256}] == {(i * 7) & 0xff}) {{ flags ^= "
                      f"{(0x9E3779B9 * (i + 1)) & 0xFFFFFFFF}u; }}" for i in range(n))
    return f"""#include "xbtest.h"
SEC("xdp")
int prog(struct xdp_md *ctx)
{{
    volatile __u8 *d = (void *) (long) ctx->data;
    void *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;

    if ((void *) d + 256 > e) {{
        return XDP_PASS;
    }}
{tests}
    return flags;
}}
LICENSE;
"""


def measure(name: str, source: str, tmp: Path, ovstest: Path) -> dict:
    """Compile 'source' and verify it in a fresh ovstest; the CPU time and the outcome."""
    src, obj = tmp / f"{name}.c", tmp / f"{name}.o"
    src.write_text(source)
    subprocess.run([CLANG, "-O2", "-g", "-target", "bpf", "-mcpu=v3", f"-I{SUITE}",
                    f"-I{multiarch_include()}", "-c", str(src), "-o", str(obj)], check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([str(ovstest), "test-bpf", "verify", str(obj)], capture_output=True,
                       text=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    verdict = json.loads(p.stdout)
    return {"program": name, "cpu_s": round(cpu, 3), "accepted": verdict["accepted"],
            "outcome": verdict.get("reason", "").split("rejected by the verifier: ")[-1]
            or f"accepted, {verdict['processed']} insns processed"}


def main(argv: list[str] | None = None) -> int:
    """Measure every generated program; exit 1 if one took more than the budget allows."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[40, 64, 128],
                    help="numbers of tests of the joins, stack and ids programs")
    ap.add_argument("--flags", type=int, nargs="+", default=[1331, 4000],
                    help="numbers of tests of the flags programs")
    ap.add_argument("--variant", default="runtime", help="variant whose ovstest verifies")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    ovstest = ovstest_path(args.variant)
    programs = [(f"{kind}-{n}", gen(n)) for n in args.sizes
                for kind, gen in (("joins", joins), ("stack", lambda n: joins(n, spill=True)),
                                  ("ids", lambda n: joins(n, ids=True)))]
    programs += [(f"flags-{n}", flags(n)) for n in args.flags]
    results = []
    with tempfile.TemporaryDirectory() as d:
        for name, source in programs:
            r = measure(name, source, Path(d), ovstest)
            results.append(r)
            print(f"{r['program']:>12}  {r['cpu_s']:6.3f} s CPU  {r['outcome']}", flush=True)
    if args.json:
        tmp = args.json.with_suffix(".tmp")
        tmp.write_text(json.dumps(results, indent=2) + "\n")
        os.replace(tmp, args.json)
    # Loading and process start-up come on top of the verifier's budget.
    return 0 if all(r["cpu_s"] <= BUDGET_S + 0.2 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
