"""OVS's BPF interpreter and JIT against the kernel's JIT: mean time per run of every extension.

For each extension object (every role its kind builds) the packet of the first step of its
first expected scenario is run REPEAT times on the same buffer, in ``ovstest test-bpf
bench`` of the ``runtime`` variant, once with the interpreter (``--jit=false``), once with
the JIT (``--jit=true``) and once with the JIT keeping every check (``--jit=checked``), each
timed around its loop in the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), and in the kernel
(``bpftool prog run ... repeat``, BPF_PROG_TEST_RUN, which reports the mean duration in ns
of the JIT-compiled program). Each figure is the median of TRIALS such measurements, taken
in turns (OVS modes, then the kernel, TRIALS times), which damps the noise of a shared
machine.

Like with like. The kernel's test run stops its clock whenever it yields the CPU to another
task (bpf_test_timer_continue() on need_resched()), so its mean leaves out the time other
tasks ran; OVS's side is therefore timed in the thread's CPU time, which leaves out the same
(wall-clock time would charge OVS for every other job of a shared machine). Each side times
a loop that runs the program on one packet buffer that is not reset between runs, and each
loop has its own cost per run around the program: in the kernel the test-run loop (its XDP
dispatcher call, the timer and signal checks of each iteration), in OVS
``bpf_prog_run_data()`` (run counters, the JIT mode, the run's set-up). No loop can be made
to cost the same on both sides (the kernel's is the kernel's), so the comparison is made net
of each side's floor: in every turn, the ``noop`` extension runs on the same packet in the
same way on each side (JIT and kernel) right after the object, and its time is subtracted
from the object's, turn by turn; the figure is the median of the turns' differences. What is
left is what the program itself costs each runtime: its instructions, helpers and maps, and
whatever set-up it needs beyond a noop's (a stack to zero, the packet window, map-value
bookkeeping). The goal (issue 13: geometric mean JIT/kernel <= 1.0, no object above 1.3) is
judged on these net ratios, over the objects whose kernel time exceeds its floor by
NET_MIN_NS or more (below that the ratio divides two noise-sized numbers); for the others
the net difference in ns is printed. The raw ratios (floors included) are printed too.

Prints one line per object: instructions executed per run, ns/run of the interpreter, of
the JIT, of the checked JIT and of the kernel, the floors' ns, the net ns of the JIT and
of the kernel, then interpreter/kernel, raw JIT/kernel and net JIT/kernel; last, the
geometric means and the largest ratios. Needs root (kernel), a built runtime variant and
clang.
Usage:

    .venv/bin/python -m benchmarks.interp_vs_kernel [--repeat 2000000] [--trials 5]
        [--only EXT[.ROLE] ...] [--json OUT]
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


def measure(obj: Path, pkt: bytes, repeat: int, trials: int, variant: str,
            floor_obj: Path, floor_kp: KernelProgram) -> dict:
    """Median ns/run of 'obj' on 'pkt' in OVS (interpreter, JIT, checked JIT) and in the
    kernel, of the floor program 'floor_obj' (loaded in the kernel as 'floor_kp') on the same
    packet on each side, the medians of the per-turn net times (object minus floor) of the
    JIT and the kernel, and the ratios to the kernel."""
    keys = ("interp", "jit", "checked", "kernel", "jit_floor", "kernel_floor", "jit_net",
            "kernel_net")
    times: dict[str, list[float]] = {k: [] for k in keys}
    insns = None
    with KernelProgram(obj) as kp:
        for _ in range(trials):
            for key, mode in (("interp", "false"), ("jit", "true"), ("checked", "checked")):
                o = ovstest_bench(obj, pkt, repeat, variant, jit=mode)
                times[key].append(o["cpu_ns_per_run"])
                insns = o["insns_per_run"]
            times["jit_floor"].append(
                ovstest_bench(floor_obj, pkt, repeat, variant, jit="true")["cpu_ns_per_run"])
            times["kernel"].append(kp.run_timed(pkt, repeat))
            times["kernel_floor"].append(floor_kp.run_timed(pkt, repeat))
            times["jit_net"].append(times["jit"][-1] - times["jit_floor"][-1])
            times["kernel_net"].append(times["kernel"][-1] - times["kernel_floor"][-1])
    ns = {k: statistics.median(v) for k, v in times.items()}
    kernel_ns, kernel_net = ns["kernel"], ns["kernel_net"]
    return {"insns_per_run": insns, "ovs_ns": ns["interp"], "jit_ns": ns["jit"],
            "jit_checked_ns": ns["checked"], "kernel_ns": kernel_ns,
            "jit_floor_ns": ns["jit_floor"], "kernel_floor_ns": ns["kernel_floor"],
            "jit_net_ns": ns["jit_net"], "kernel_net_ns": kernel_net,
            "ratio": ns["interp"] / kernel_ns if kernel_ns else None,
            "jit_ratio": ns["jit"] / kernel_ns if kernel_ns else None,
            "net_ratio": (ns["jit_net"] / kernel_net if kernel_net >= NET_MIN_NS else None),
            "trials": trials, "repeat": repeat}


NET_MIN_NS = 5.0
"""Net ratios are computed only where the kernel's net time is at least this much (ns)."""


def geomean(xs: list[float]) -> float:
    """Geometric mean (values below 0.001 count as 0.001: a net time can be <= 0)."""
    return math.exp(sum(math.log(max(x, 1e-3)) for x in xs) / len(xs))


def summarize(rows: list[dict]) -> dict:
    """Geometric means and maxima of the raw and the net JIT/kernel ratios."""
    measured = [r for r in rows if r.get("jit_ratio")]
    if not measured:
        return {}
    raw_worst = max(measured, key=lambda r: r["jit_ratio"])
    out = {"summary": True,
           "jit_kernel_geomean": geomean([r["jit_ratio"] for r in measured]),
           "jit_kernel_max": raw_worst["jit_ratio"],
           "jit_kernel_max_extension": raw_worst["extension"], "objects": len(measured)}
    net = [r for r in measured if r.get("net_ratio") is not None]
    if net:
        net_worst = max(net, key=lambda r: r["net_ratio"])
        out.update({"net_objects": len(net), "net_geomean": geomean([r["net_ratio"]
                                                                      for r in net]),
                    "net_max": net_worst["net_ratio"],
                    "net_max_extension": net_worst["extension"],
                    "net_goal_met": (geomean([r["net_ratio"] for r in net]) <= 1.0
                                     and net_worst["net_ratio"] <= 1.3)})
    small = [r for r in measured if r.get("net_ratio") is None]
    if small:
        gap = max(small, key=lambda r: r["jit_net_ns"] - r["kernel_net_ns"])
        out.update({"small_objects": len(small),
                    "small_max_gap_ns": gap["jit_net_ns"] - gap["kernel_net_ns"],
                    "small_max_gap_extension": gap["extension"]})
    return out


def print_summary(summary: dict) -> None:
    """The summary lines: net ratios first (the like-with-like comparison), then raw."""
    if summary.get("net_objects"):
        print(f"JIT/kernel net of each side's noop floor, over the {summary['net_objects']} "
              f"objects whose kernel net time is {NET_MIN_NS} ns or more: geometric mean "
              f"{summary['net_geomean']:.2f}, largest {summary['net_max']:.2f} "
              f"({summary['net_max_extension']}); goal (<= 1.0, none above 1.3) "
              f"{'met' if summary['net_goal_met'] else 'missed'}")
    if summary.get("small_objects"):
        print(f"The other {summary['small_objects']} objects cost the kernel less than "
              f"{NET_MIN_NS} ns above its floor; the largest excess of the JIT's net time "
              f"over the kernel's among them: {summary['small_max_gap_ns']:+.1f} ns "
              f"({summary['small_max_gap_extension']})")
    print(f"JIT/kernel raw (floors included): geometric mean "
          f"{summary['jit_kernel_geomean']:.2f} over {summary['objects']} objects, largest "
          f"{summary['jit_kernel_max']:.2f} ({summary['jit_kernel_max_extension']})")


def selected(name: str, only: list[str] | None) -> bool:
    """Whether object 'name' (EXT.ROLE) is selected by --only (EXT or EXT.ROLE)."""
    return not only or name in only or name.split(".")[0] in only


def fmt_ratio(x: float | None) -> str:
    """A ratio with two decimals, or n/a."""
    return f"{x:.2f}" if x is not None else "n/a"


def print_row(row: dict) -> None:
    """One object's line of the table."""
    floors = f"{row['jit_floor_ns']:.1f}/{row['kernel_floor_ns']:.1f}"
    print(f"{row['extension']:<22} {row['insns_per_run']:>5.0f} {row['ovs_ns']:>7.1f} "
          f"{row['jit_ns']:>6.1f} {row['jit_checked_ns']:>6.1f} {row['kernel_ns']:>6.1f} "
          f"{floors:>10} {row['jit_net_ns']:>7.1f} {row['kernel_net_ns']:>6.1f} "
          f"{fmt_ratio(row['ratio']):>5} {fmt_ratio(row['jit_ratio']):>5} "
          f"{fmt_ratio(row['net_ratio']):>5}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Print the interpreter-versus-kernel table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=2_000_000, help="runs per measurement")
    p.add_argument("--trials", type=int, default=5, help="measurements per figure (median)")
    p.add_argument("--variant", default="runtime", help="variant whose ovstest runs (default "
                   "runtime)")
    p.add_argument("--only", nargs="+", metavar="EXT[.ROLE]",
                   help="measure only these extensions or objects")
    p.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = p.parse_args(argv)
    rows = []
    try:
        floor_obj = compile_extension("noop", "action")
        print(f"{'extension':<22} {'insns':>5} {'interp':>7} {'JIT':>6} {'chk':>6} "
              f"{'kernel':>6} {'floor J/k':>10} {'net JIT':>7} {'net k':>6} {'int/k':>5} "
              f"{'JIT/k':>5} {'net':>5}")
        with KernelProgram(floor_obj) as floor_kp:
            for ext in metadata.load_all():
                for role in ext.roles:
                    name = f"{ext.name}.{role}"
                    if not selected(name, args.only):
                        continue
                    obj = compile_extension(ext.name, role)
                    verdict = ovstest_verify(obj, args.variant)
                    if not verdict.accepted:
                        print(f"{name:<22} rejected by OVS: {verdict.reason}")
                        rows.append({"extension": name, "rejected": verdict.reason})
                        continue
                    row = {"extension": name,
                           **measure(obj, scenario_packet(ext), args.repeat, args.trials,
                                     args.variant, floor_obj, floor_kp)}
                    rows.append(row)
                    print_row(row)
        summary = summarize(rows)
        if summary:
            print_summary(summary)
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
