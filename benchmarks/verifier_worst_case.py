"""The verifier's time on adversarial programs, against its budgets (issue 14).

Generates programs in BPF assembly that attack the verifier's time: ``joins-N`` (N packet tests
that each move a packet pointer by a different power of two, so that states never prune or
merge), ``stack-N`` (the same with the pointer spilled below 63 initialised stack slots and a
join point at every other instruction, so that each state comparison walks the whole stack),
``ids-N`` (the same with 31 pairs of linked scalars spilled, so that each comparison also walks
the id map) and ``flags-N`` (N independent flag tests, which the kernel accepts). Each is
compiled with clang and verified by ``ovstest test-bpf verify`` of the ``runtime`` variant, in
its own process; the line printed gives the process's CPU time (user + system, loading
included) and the verdict or the rejection.

With ``--daemon``, each program is also loaded with ``bpf/load`` into a real ovs-vswitchd of
the variant (its own run dir, a bridge on the dummy datapath, no ports: ``--enable-dummy``, so
that it touches no kernel device). A second line gives the load's wall time, the CPU time of
ovs-vswitchd's main thread and of its BPF loader thread during the load (from
``/proc/PID/task``, 10 ms resolution), the phases' CPU time that ovs-vswitchd logged, and how
long the main thread took to answer ``ovs-appctl version``, issued every 20 ms while the load
ran (the slowest answer and the median; an answer takes a few ms when the main thread is idle).
Usage:

    .venv/bin/python -m benchmarks.verifier_worst_case [--sizes 40 64 128] [--daemon] [--json OUT]
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness.bpf.compile import CLANG, multiarch_include
from harness.bpf.ovs import ovstest_path
from harness.errors import ExtbenchError
from harness.ovs.build import check_current
from harness.ovs.daemons import OvsInstance

SUITE = Path(__file__).resolve().parents[1] / "tests" / "bpf_verifier"
BUDGET_S = 1.0
"""The verifier's CPU budget (BPF_VERIFIER_MAX_CPU_MS)."""
BRIDGE = "xbvw0"
"""The daemon's bridge (dummy datapath: no kernel device)."""
PROBE_INTERVAL_S = 0.02
"""Pause between two ``ovs-appctl version`` probes of the main thread during a load."""


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


def compile_program(name: str, source: str, tmp: Path) -> Path:
    """Compile 'source' into tmp/NAME.o; return the object's path."""
    src, obj = tmp / f"{name}.c", tmp / f"{name}.o"
    src.write_text(source)
    subprocess.run([CLANG, "-O2", "-g", "-target", "bpf", "-mcpu=v3", f"-I{SUITE}",
                    f"-I{multiarch_include()}", "-c", str(src), "-o", str(obj)], check=True)
    return obj


def measure(name: str, obj: Path, ovstest: Path) -> dict:
    """Verify 'obj' in a fresh ovstest; the CPU time and the outcome."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([str(ovstest), "test-bpf", "verify", str(obj)], capture_output=True,
                       text=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    verdict = json.loads(p.stdout)
    return {"program": name, "cpu_s": round(cpu, 3), "accepted": verdict["accepted"],
            "outcome": verdict.get("reason", "").split("rejected by the verifier: ")[-1]
            or f"accepted, {verdict['processed']} insns processed"}


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU time (s) of each thread of process 'pid', keyed "main" (the thread whose id is
    the pid) or by the thread's name."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        except FileNotFoundError:
            continue  # The thread exited.
        name = "main" if int(tid) == pid else stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def _probe_main_thread(ovs: OvsInstance, stop: threading.Event, latencies: list[float]) -> None:
    """Until 'stop', time ``ovs-appctl version`` every PROBE_INTERVAL_S."""
    while not stop.is_set():
        t0 = time.monotonic()
        ovs.appctl("version")
        latencies.append(time.monotonic() - t0)
        stop.wait(PROBE_INTERVAL_S)


def _logged_phases(ovs: OvsInstance, offset: int, obj: Path, timeout: float = 5.0) -> str | None:
    """The CPU time of each phase that ovs-vswitchd logged for loading 'obj', from byte
    'offset' of its log on (the log is written asynchronously: wait for the line)."""
    pattern = re.compile(r"CPU [\d.]+ ms reading, [\d.]+ ms verifying, [\d.]+ ms compiling")
    deadline = time.monotonic() + timeout
    while True:
        with open(ovs.vswitchd_log) as f:
            f.seek(offset)
            for line in f:
                m = pattern.search(line) if str(obj) in line else None
                if m:
                    return m.group(0)
        if time.monotonic() > deadline:
            return None  # A variant that does not log it.
        time.sleep(0.05)


def daemon_load(ovs: OvsInstance, name: str, obj: Path) -> dict:
    """bpf/load 'obj' into the running 'ovs' while probing its main thread; what it cost."""
    pid = ovs.pid()
    log_size = ovs.vswitchd_log.stat().st_size
    stop, latencies = threading.Event(), []
    prober = threading.Thread(target=_probe_main_thread, args=(ovs, stop, latencies))
    before = thread_cpu(pid)
    prober.start()
    t0 = time.monotonic()
    try:
        ovs.appctl("bpf/load", BRIDGE, "1", str(obj))
        outcome = "accepted"
    except ExtbenchError as e:
        outcome = str(e).split("rejected by the verifier: ")[-1].splitlines()[0]
    wall = time.monotonic() - t0
    stop.set()
    prober.join()
    after = thread_cpu(pid)
    if outcome == "accepted":
        ovs.appctl("bpf/unload", BRIDGE, "1")
    phases = _logged_phases(ovs, log_size, obj)
    cpu = {k: round(v - before.get(k, 0.0), 2) for k, v in after.items()
           if v - before.get(k, 0.0) > 0}
    return {"program": name, "wall_s": round(wall, 3),
            "main_cpu_s": cpu.get("main", 0.0),
            "loader_cpu_s": sum(v for k, v in cpu.items() if k.startswith("bpf_loader")),
            "phases": phases,
            "probes": len(latencies),
            "probe_max_ms": round(1000 * max(latencies), 1) if latencies else None,
            "probe_median_ms": (round(1000 * statistics.median(latencies), 1)
                                if latencies else None),
            "outcome": outcome}


def main(argv: list[str] | None = None) -> int:
    """Measure every generated program; exit 1 if one took more than the budget allows."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[40, 64, 128],
                    help="numbers of tests of the joins, stack and ids programs")
    ap.add_argument("--flags", type=int, nargs="+", default=[1331, 4000],
                    help="numbers of tests of the flags programs")
    ap.add_argument("--variant", default="runtime", help="variant whose ovstest verifies")
    ap.add_argument("--daemon", action="store_true",
                    help="also bpf/load each program into an ovs-vswitchd of the variant")
    ap.add_argument("--daemon-variant", help="the variant of that ovs-vswitchd (default: "
                    "--variant), and skip ovstest")
    ap.add_argument("--daemon-cpu", type=int, help="pin every thread of that ovs-vswitchd "
                    "to this CPU (the main thread and the loader then share it)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    check_current(args.daemon_variant or args.variant)
    ovstest = None if args.daemon_variant else ovstest_path(args.variant)
    programs = [(f"{kind}-{n}", gen(n)) for n in args.sizes
                for kind, gen in (("joins", joins), ("stack", lambda n: joins(n, spill=True)),
                                  ("ids", lambda n: joins(n, ids=True)))]
    programs += [(f"flags-{n}", flags(n)) for n in args.flags]
    results, loads = [], []
    with tempfile.TemporaryDirectory() as d:
        objs = [(name, compile_program(name, source, Path(d))) for name, source in programs]
        for name, obj in objs if not args.daemon_variant else []:
            r = measure(name, obj, ovstest)
            results.append(r)
            print(f"{r['program']:>12}  {r['cpu_s']:6.3f} s CPU  {r['outcome']}", flush=True)
        if args.daemon or args.daemon_variant:
            cpus = {args.daemon_cpu} if args.daemon_cpu is not None else None
            with OvsInstance(args.daemon_variant or args.variant, cpus=cpus,
                             vswitchd_args=("--enable-dummy",)) as ovs:
                ovs.vsctl("add-br", BRIDGE, "--", "set", "bridge", BRIDGE,
                          "datapath_type=dummy")
                for name, obj in objs:
                    r = daemon_load(ovs, name, obj)
                    loads.append(r)
                    print(f"{r['program']:>12}  bpf/load {r['wall_s']:6.3f} s wall, CPU "
                          f"{r['main_cpu_s']:.2f} s main thread, {r['loader_cpu_s']:.2f} s "
                          f"loader ({r['phases']}); version answered in at most "
                          f"{r['probe_max_ms']} ms (median {r['probe_median_ms']}, "
                          f"{r['probes']} probes)", flush=True)
    if args.json:
        tmp = args.json.with_suffix(".tmp")
        tmp.write_text(json.dumps({"ovstest": results, "ovs_vswitchd": loads}, indent=2)
                       + "\n")
        os.replace(tmp, args.json)
    # Loading and process start-up come on top of the verifier's budget; in ovs-vswitchd,
    # the loader thread's CPU time is what the budget bounds.
    return 0 if (all(r["cpu_s"] <= BUDGET_S + 0.2 for r in results)
                 and all(r["loader_cpu_s"] + r["main_cpu_s"] <= BUDGET_S + 0.2
                         for r in loads)) else 1


if __name__ == "__main__":
    sys.exit(main())
