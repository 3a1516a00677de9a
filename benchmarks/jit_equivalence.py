"""The JIT against the interpreter and the kernel on thousands of random programs.

Each program (``harness.bpf.randprog``: ALU64/ALU32, byte swaps, 64-bit immediates, loads
and stores of 1 to 8 bytes on the stack and the packet, checked variable offsets, stack
atomics, forward jumps) is assembled by clang, loaded once in ``ovstest test-bpf serve`` of
the ``runtime`` variant and once in the kernel (BPF_PROG_TEST_RUN, JIT), and run on packets
of 14, 60 and 119 bytes (shorter than the program's bounds check: it returns 0; below the
JIT's proven length: the interpreter runs), 120, 128, 1514 and 3520 bytes (the largest the
kernel runs on its linear buffer). Every packet runs in the kernel, the interpreter
(``jit false``), the JIT with proofs (``jit true``) and the JIT with every check
(``jit checked``); the return values and packet bytes must all be equal. Programs that
OVS's verifier or the kernel's rejects are counted and skipped. Needs root, clang and a built
runtime variant. Usage (about 0.1 s per program here):

    nice -n 19 .venv/bin/python -m benchmarks.jit_equivalence [--programs 10000] [--seed 0]
        [--ops 60] [--json OUT]
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from harness.bpf.randprog import PACKET_SIZES, check_program
from harness.errors import ExtbenchError


def main(argv: list[str] | None = None) -> int:
    """Run the campaign and print its summary; exit 1 on any mismatch."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--programs", type=int, default=10_000, help="programs to generate")
    p.add_argument("--seed", type=int, default=0, help="first seed (programs use seed..)")
    p.add_argument("--ops", type=int, default=60, help="random operations per program")
    p.add_argument("--variant", default="runtime", help="variant whose ovstest runs")
    p.add_argument("--json", type=Path, help="also write the summary as JSON to this file")
    args = p.parse_args(argv)
    counts = {"accepted": 0, "rejected_ovs": 0, "rejected_kernel": 0}
    runs, not_jitted, bad = 0, 0, []
    start = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="xb-jiteq-") as tmp:
            for seed in range(args.seed, args.seed + args.programs):
                r = check_program(seed, args.ops, Path(tmp), args.variant)
                counts[r["status"]] += 1
                runs += r["runs"]
                not_jitted += r["status"] == "accepted" and not r.get("jit")
                if r["mismatches"]:
                    bad.append(r)
                    print(f"seed {seed}: {r['mismatches'][:3]}", flush=True)
                if (seed - args.seed + 1) % 500 == 0:
                    print(f"{seed - args.seed + 1} programs, {counts}, {runs} runs, "
                          f"{len(bad)} with mismatches", flush=True)
    except ExtbenchError as e:
        print(f"jit_equivalence: {e}", file=sys.stderr)
        return e.exit_status
    summary = {"programs": args.programs, "first_seed": args.seed, "ops": args.ops, **counts,
               "runs_compared": runs, "accepted_not_jitted": not_jitted,
               "programs_with_mismatches": len(bad), "mismatches": bad[:20],
               "packet_sizes": PACKET_SIZES, "seconds": round(time.monotonic() - start, 1)}
    print(json.dumps({k: v for k, v in summary.items() if k != "mismatches"}))
    if args.json:
        tmp = args.json.with_suffix(".tmp")
        tmp.write_text(json.dumps(summary, indent=1) + "\n")
        tmp.replace(args.json)
    return 1 if bad or not_jitted else 0


if __name__ == "__main__":
    sys.exit(main())
