"""OVS's BPF interpreter against the kernel's JIT: mean time per run of every extension.

For each extension object (every role its kind builds) the packet of the first step of its
first expected scenario is run REPEAT times on the same buffer, in ``ovstest test-bpf bench``
of the ``runtime`` variant (the interpreter, timed around the loop with CLOCK_MONOTONIC) and
in the kernel (``bpftool prog run ... repeat``, BPF_PROG_TEST_RUN, which reports the mean
duration in ns of the JIT-compiled program). Each figure is the median of TRIALS such
measurements, which damps the noise of a shared machine. Prints one line per object:
instructions executed per run, ns/run in OVS, ns/run in the kernel, and their ratio. Needs
root (kernel), a built runtime variant and clang. Usage:

    .venv/bin/python benchmarks/interp_vs_kernel.py [--repeat 2000000] [--trials 5] [--json OUT]
"""

import argparse
import json
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
    """Median ns/run of 'obj' on 'pkt' in OVS's interpreter and in the kernel, and their ratio."""
    ovs = [ovstest_bench(obj, pkt, repeat, variant) for _ in range(trials)]
    with KernelProgram(obj) as kp:
        kernel_ns = statistics.median(kp.run_timed(pkt, repeat) for _ in range(trials))
    ovs_ns = statistics.median(o["ns_per_run"] for o in ovs)
    return {"insns_per_run": ovs[0]["insns_per_run"], "ovs_ns": ovs_ns, "kernel_ns": kernel_ns,
            "ratio": ovs_ns / kernel_ns if kernel_ns else None, "trials": trials,
            "repeat": repeat}


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
        print(f"{'extension':<28} {'insns/run':>9} {'OVS ns':>9} {'kernel ns':>9} {'ratio':>7}")
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
                ratio = f"{row['ratio']:.1f}" if row["ratio"] else "n/a"
                print(f"{name:<28} {row['insns_per_run']:>9.1f} {row['ovs_ns']:>9.1f} "
                      f"{row['kernel_ns']:>9.1f} {ratio:>7}")
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
