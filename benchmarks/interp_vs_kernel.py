"""OVS's BPF interpreter and JIT against the kernel's JIT: mean time per run of every extension.

For each extension object (every role its kind builds) the packet of the first step of its
first expected scenario is run REPEAT times on the same buffer, in ``ovstest test-bpf bench``
of the ``runtime`` variant, once with the interpreter (``--jit=false``), once with the JIT
(``--jit=true``) and once with the JIT keeping every check (``--jit=checked``), each timed
around its loop with CLOCK_MONOTONIC, and in the kernel (``bpftool prog run ... repeat``,
BPF_PROG_TEST_RUN, which reports the mean duration in ns of the JIT-compiled program). Each
figure is the median of TRIALS such measurements, taken in turns (OVS modes, then the
kernel, TRIALS times), which damps the noise of a shared machine.

Like with like: both sides time a loop that runs the program on one packet buffer that is
not reset between runs, and both include what each runtime pays per run around the
program: in the kernel the test-run loop (its XDP dispatcher call and per-iteration
bookkeeping), in OVS ``bpf_prog_run_data()`` (run counters, the JIT mode, the run's setup).
The ``noop`` extension's row is that floor on each side. Prints one line per object:
instructions executed per run, ns/run of the interpreter, of the JIT, of the checked JIT
and of the kernel, then interpreter/kernel and JIT/kernel; last, the geometric mean of
JIT/kernel and the largest one, and the same net of each side's floor (noop's time
subtracted on both sides, over the objects whose kernel time exceeds the floor by 5 ns).
Needs root (kernel), a built runtime variant and clang.
Usage:

    .venv/bin/python -m benchmarks.interp_vs_kernel [--repeat 2000000] [--trials 5]
        [--json OUT]
"""

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

from harness.bpf import metadata, packets
from harness.bpf.compile import compile_extension
from harness.bpf.kernel import KernelProgram
from harness.bpf.ovs import ovstest_bench, ovstest_verify
from harness.errors import ExtbenchError


def scenario_packet(ext: metadata.Extension) -> bytes:
    """The packet of the first step of the extension's first scenario (a UDP frame if none)."""
    for sc in ext.scenarios:
        for step in sc["steps"]:
            return packets.packet_bytes(step["packet"])
    return packets.packet_bytes({"proto": "udp"})


def measure(obj: Path, pkt: bytes, repeat: int, trials: int, variant: str) -> dict:
    """Median ns/run of 'obj' on 'pkt' in OVS (interpreter, JIT, checked JIT) and in the
    kernel, and the ratios to the kernel."""
    times: dict[str, list[float]] = {"interp": [], "jit": [], "checked": [], "kernel": []}
    insns = None
    with KernelProgram(obj) as kp:
        for _ in range(trials):
            for key, mode in (("interp", "false"), ("jit", "true"), ("checked", "checked")):
                o = ovstest_bench(obj, pkt, repeat, variant, jit=mode)
                times[key].append(o["ns_per_run"])
                insns = o["insns_per_run"]
            times["kernel"].append(kp.run_timed(pkt, repeat))
    ns = {k: statistics.median(v) for k, v in times.items()}
    kernel_ns = ns["kernel"]
    return {"insns_per_run": insns, "ovs_ns": ns["interp"], "jit_ns": ns["jit"],
            "jit_checked_ns": ns["checked"], "kernel_ns": kernel_ns,
            "ratio": ns["interp"] / kernel_ns if kernel_ns else None,
            "jit_ratio": ns["jit"] / kernel_ns if kernel_ns else None,
            "trials": trials, "repeat": repeat}


NET_MIN_NS = 5.0
"""Net ratios are computed only where the kernel's time exceeds its floor by this much (ns)."""


def net_ratios(rows: list[dict]) -> dict:
    """JIT/kernel after subtracting each side's per-run floor (the noop.action row): the
    program's own cost, without what each runtime pays to invoke a program."""
    floor = next((r for r in rows if r.get("extension") == "noop.action" and "jit_ns" in r),
                 None)
    if floor is None:
        return {}
    net = {r["extension"]: (r["jit_ns"] - floor["jit_ns"]) / (r["kernel_ns"] - floor["kernel_ns"])
           for r in rows if "jit_ns" in r
           and r["kernel_ns"] - floor["kernel_ns"] >= NET_MIN_NS}
    if not net:
        return {}
    worst = max(net, key=net.get)
    return {"floor_jit_ns": floor["jit_ns"], "floor_kernel_ns": floor["kernel_ns"],
            "net_objects": len(net), "net_max": net[worst], "net_max_extension": worst,
            "net_geomean": math.exp(sum(math.log(max(x, 1e-3)) for x in net.values())
                                    / len(net)),
            "net_ratios": net}


def main(argv: list[str] | None = None) -> int:
    """Print the interpreter-versus-kernel table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=2_000_000, help="runs per measurement")
    p.add_argument("--trials", type=int, default=5, help="measurements per figure (median)")
    p.add_argument("--variant", default="runtime", help="variant whose ovstest runs (default "
                   "runtime)")
    p.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = p.parse_args(argv)
    rows = []
    try:
        print(f"{'extension':<28} {'insns/run':>9} {'interp ns':>9} {'JIT ns':>8} "
              f"{'chk ns':>8} {'kernel ns':>9} {'int/k':>6} {'JIT/k':>6}")
        for ext in metadata.load_all():
            for role in ext.roles:
                obj = compile_extension(ext.name, role)
                name = f"{ext.name}.{role}"
                verdict = ovstest_verify(obj, args.variant)
                if not verdict.accepted:
                    print(f"{name:<28} rejected by OVS: {verdict.reason}")
                    rows.append({"extension": name, "rejected": verdict.reason})
                    continue
                row = {"extension": name, **measure(obj, scenario_packet(ext), args.repeat,
                                                     args.trials, args.variant)}
                rows.append(row)
                ratio = f"{row['ratio']:.2f}" if row["ratio"] else "n/a"
                jit_ratio = f"{row['jit_ratio']:.2f}" if row["jit_ratio"] else "n/a"
                print(f"{name:<28} {row['insns_per_run']:>9.1f} {row['ovs_ns']:>9.1f} "
                      f"{row['jit_ns']:>8.1f} {row['jit_checked_ns']:>8.1f} "
                      f"{row['kernel_ns']:>9.1f} {ratio:>6} {jit_ratio:>6}", flush=True)
        ratios = [r["jit_ratio"] for r in rows if r.get("jit_ratio")]
        if ratios:
            geomean = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
            worst = max(rows, key=lambda r: r.get("jit_ratio") or 0)
            print(f"JIT/kernel: geometric mean {geomean:.2f} over {len(ratios)} objects, "
                  f"largest {worst['jit_ratio']:.2f} ({worst['extension']})")
            summary = {"summary": True, "jit_kernel_geomean": geomean,
                       "jit_kernel_max": worst["jit_ratio"],
                       "jit_kernel_max_extension": worst["extension"], **net_ratios(rows)}
            if summary.get("net_geomean"):
                print(f"Net of each side's noop floor (JIT {summary['floor_jit_ns']:.1f} ns, "
                      f"kernel {summary['floor_kernel_ns']:.1f} ns), over the "
                      f"{summary['net_objects']} objects whose kernel time exceeds its floor "
                      f"by {NET_MIN_NS} ns or more: geometric mean "
                      f"{summary['net_geomean']:.2f}, largest {summary['net_max']:.2f} "
                      f"({summary['net_max_extension']})")
            rows.append(summary)
    except ExtbenchError as e:
        print(f"interp_vs_kernel: {e}", file=sys.stderr)
        return e.exit_status
    if args.json:
        tmp = args.json.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows, indent=1) + "\n")
        tmp.replace(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
