"""The ``extbench`` command line: one subcommand per job of the harness.

Bad input ends with one line on stderr and exit status 2 (a traceback only with --debug).
"""

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import fields

from harness.errors import ExtbenchError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    """Register a subcommand handler under 'name'."""
    def wrap(fn):
        COMMANDS[name] = fn
        return fn
    return wrap


@command("build")
def _build(args: argparse.Namespace) -> int:
    from harness.ovs.build import build
    print(build(args.variant, jobs=args.jobs, force=args.force))
    return 0


@command("build-engine")
def _build_engine(args: argparse.Namespace) -> int:
    from harness.dpdk.build import build_engine
    print(build_engine(force=args.force))
    return 0


@command("ovs-tree")
def _ovs_tree(args: argparse.Namespace) -> int:
    from harness.ovs.tree import ovs_tree
    print(ovs_tree(args.variant))
    return 0


@command("ovs-export")
def _ovs_export(args: argparse.Namespace) -> int:
    from harness.ovs.tree import ovs_export
    for p in ovs_export(args.variant, args.layer or args.variant,
                        fix_identity=args.fix_identity):
        print(p)
    return 0


def _spec(args: argparse.Namespace):
    from harness.trial import TrialSpec
    return TrialSpec(variant=args.variant, topology=args.topology, profile=args.profile,
                     flows=args.flows, pkt_size=args.pkt_size, duration_s=args.duration,
                     rate_pps=args.rate, extension=args.extension, rep=args.rep,
                     engine=args.engine, port_type=args.port_type, bpf_jit=args.bpf_jit,
                     latency_pps=args.latency_pps, warmup=not args.no_warmup,
                     experiment=args.experiment, cache=args.cache)


@command("trial")
@command("ndr")
def _trial(args: argparse.Namespace) -> int:
    from harness.records import write_record
    from harness.teardown import signals_raise
    from harness.trial import run_search, run_trial
    with signals_raise():
        if args.cmd == "ndr":
            record = run_search(_spec(args), args.kind, args.loss_bound, args.precision,
                                args.max_iterations, args.trials_per_rate)
        else:
            record = run_trial(_spec(args))
    if args.out:
        write_record(args.out, record)
    else:
        print_json(record)
    return 0


@command("verify")
def _verify(args: argparse.Namespace) -> int:
    from harness.bpf.ovs import verify
    from harness.errors import CommandError
    try:
        verdict = verify(args.variant, args.object, args.program)
    except CommandError as e:
        # Exit status 1 means "rejected": a failure to run OVS is bad input or setup.
        raise ExtbenchError(str(e)) from e
    print_json(verdict.to_json())
    return 0 if verdict.accepted else 1


@command("profile")
def _profile(args: argparse.Namespace) -> int:
    from harness.traffic.check import ENGINES, check_file, render
    from harness.traffic.profile import decode_tunable
    tunables = {}
    for item in args.tunable:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ExtbenchError(f"-t {item}: expected NAME=VALUE")
        tunables[name] = decode_tunable(value)
    report = check_file(args.file, tunables, args.engine or list(ENGINES))
    if args.json:
        print_json(report)
    else:
        print(render(report))
    return 0 if report["ok"] else 1


@command("compare")
def _compare(args: argparse.Namespace) -> int:
    from harness import compare
    a, b = compare.load(args.results_a), compare.load(args.results_b)
    c = compare.compare(a, b, threshold=args.threshold, level=args.level, n_boot=args.boot,
                        seed=args.seed, ignore=tuple(args.ignore))
    if args.figure:
        compare.figure(c, args.figure, args.results_a, args.results_b)
    print(compare.to_json(c, args.results_a, args.results_b) if args.json
          else compare.report(c, args.results_a, args.results_b))
    return 1 if c.regressions else 0


@command("clean")
def _clean(args: argparse.Namespace) -> int:
    from harness.clean import clean
    removed = clean()
    for line in removed:
        print(f"removed {line}")
    if not removed:
        print("nothing to clean")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(prog="extbench", description=__doc__.splitlines()[0])
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="cmd", required=True)

    b = sub.add_parser("build", help="build and install an OVS variant into build/ovs/<variant>")
    b.add_argument("variant")
    b.add_argument("--jobs", "-j", type=int, default=2, help="make -j (default 2)")
    b.add_argument("--force", action="store_true", help="re-create the source tree")

    be = sub.add_parser("build-engine", help="build the DPDK engine (build/dpdk/xb-dpdk-engine)")
    be.add_argument("--force", action="store_true", help="rebuild even if up to date")

    t = sub.add_parser("ovs-tree", help="git-backed editing tree build/src/<variant>")
    t.add_argument("variant")

    e = sub.add_parser("ovs-export", help="write the editing tree's commits back as patches")
    e.add_argument("variant")
    e.add_argument("--layer", help="a shared layer (common, action, …) or the variant "
                   "(default: the variant)")
    e.add_argument("--fix-identity", action="store_true",
                   help="rewrite commits made under another identity to the project's "
                   "(extbench <extbench@localhost>, signed off) instead of refusing them")

    tr = sub.add_parser("trial", help="run one trial and write its record")
    nd = sub.add_parser("ndr", help="search the non-drop (or partial-drop) rate")
    nd.add_argument("--kind", choices=["ndr", "pdr"], default="ndr",
                    help="ndr: loss 0 (default); pdr: loss ≤ 0.1 %%")
    nd.add_argument("--loss-bound", type=float, default=None, help="override the bound (%%)")
    nd.add_argument("--precision", type=float, default=0.01,
                    help="stop when the bracket is within this fraction of the max rate")
    nd.add_argument("--max-iterations", type=int, default=10,
                    help="most offered rates to try (default 10)")
    nd.add_argument("--trials-per-rate", type=odd_positive, default=3,
                    help="trials per offered rate, the majority decides (odd; default 3)")
    for trial_parser in (tr, nd):
        _trial_arguments(trial_parser)

    sub.add_parser("clean", help="remove leftovers of crashed runs (prefix xb)")

    pr = sub.add_parser("profile", help="compile a TRex STL profile and say, per stream and "
                        "engine, whether it can be sent and why not (exit 1 if any cannot)")
    pr.add_argument("file", help="the profile (a .py file in any folder)")
    pr.add_argument("--engine", action="append", choices=["local", "dpdk"],
                    help="engine to check (repeatable; default: every engine)")
    pr.add_argument("-t", dest="tunable", action="append", default=[], metavar="NAME=VALUE",
                    help="a tunable, decoded as TRex's console decodes it (repeatable)")
    pr.add_argument("--json", action="store_true", help="print the report as JSON")

    v = sub.add_parser("verify", help="load a BPF object into a throwaway instance of a "
                       "variant; print the verdict as JSON (exit 1 if rejected)")
    v.add_argument("--variant", default="runtime", help="variant (default runtime)")
    v.add_argument("--program", help="the program to load, by function name (needed if the "
                   "object holds several)")
    v.add_argument("object", help="ELF object from clang -target bpf")

    c = sub.add_parser("compare", help="B/A per configuration with a bootstrap CI; flag "
                       "regressions and improvements (exit 1 if a regression is flagged)")
    c.add_argument("results_a", help="result set A: results/<config>, a trials.csv, or a "
                   "folder of trial records")
    c.add_argument("results_b", help="result set B (the same forms)")
    c.add_argument("--threshold", type=float, default=0.05,
                   help="flag only when |B/A - 1| exceeds this too (default 0.05)")
    c.add_argument("--level", type=float, default=0.95,
                   help="confidence level of the interval (default 0.95)")
    c.add_argument("--boot", type=int, default=10000, help="bootstrap resamples (10000)")
    c.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    c.add_argument("--ignore", nargs="*", default=[], metavar="KEY",
                   help="key fields to pool over (besides those that differ by design)")
    c.add_argument("--json", action="store_true", help="print JSON instead of a table")
    c.add_argument("--figure", help="also draw the ratios (PATH.png and PATH.pdf)")

    for register in EXTRA_PARSERS:
        register(sub)
    return p


def cache_config(text: str) -> str:
    """argparse type: a cache configuration harness.cache understands (kept as written)."""
    from harness.cache import CacheConfig
    try:
        return CacheConfig.parse(text).name
    except ExtbenchError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def odd_positive(text: str) -> int:
    """argparse type: an odd positive integer."""
    value = int(text)
    if value < 1 or value % 2 == 0:
        raise argparse.ArgumentTypeError(f"must be odd and positive, not {value}")
    return value


def _trial_arguments(tr: argparse.ArgumentParser) -> None:
    """Options shared by trial and ndr; defaults are TrialSpec's."""
    from harness.trial import BPF_JIT_MODES, TrialSpec

    default = {f.name: f.default for f in fields(TrialSpec)}
    tr.add_argument("--variant", required=True)
    tr.add_argument("--topology", default=default["topology"])
    tr.add_argument("--profile", default=default["profile"])
    tr.add_argument("--extension", default=None, help="extension name (default: none)")
    tr.add_argument("--flows", type=int, default=default["flows"],
                    help=f"distinct flows (default {default['flows']})")
    tr.add_argument("--pkt-size", type=int, default=default["pkt_size"],
                    help=f"frame size, bytes (default {default['pkt_size']})")
    tr.add_argument("--duration", type=float, default=default["duration_s"],
                    help=f"seconds (default {default['duration_s']:g})")
    tr.add_argument("--rate", type=float, default=None, help="offered pps (default: max)")
    tr.add_argument("--rep", type=int, default=default["rep"],
                    help="repetition number, recorded")
    tr.add_argument("--engine", default=default["engine"],
                    help=f"traffic engine (default {default['engine']})")
    tr.add_argument("--experiment", default=None,
                    help="name of the experiment asking for the trial, recorded (default: "
                         "none; the workflow passes the config's)")
    tr.add_argument("--cache", type=cache_config, default=default["cache"],
                    help="the datapath's caches: a preset (default: OVS's settings; all; "
                         "megaflow: EMC off; exact: EMC off and exact-match datapath flows; "
                         "none: every packet an upcall) or parts joined by '_': emc<N> (EMC "
                         "insertion probability 1/N, emc0 = off), smc|nosmc, mf|exact|nomf "
                         "(README 'Cache configurations')")
    tr.add_argument("--port-type", default=default["port_type"],
                    help="switch port type: system (AF_PACKET, main thread; default), afxdp "
                         "(a PMD thread on the last core, kernel still in the path) or dpdk "
                         "(vhost-user ports to the DPDK engine: no kernel in the path)")
    tr.add_argument("--bpf-jit", default=default["bpf_jit"], choices=BPF_JIT_MODES,
                    help="BPF executor: JIT code (default), the interpreter, or JIT code "
                         "with every check kept")
    tr.add_argument("--latency-pps", type=float, default=None,
                    help="latency probes per second beside the load (default: no probe)")
    tr.add_argument("--no-warmup", action="store_true",
                    help="measure from the first packet (upcalls included) instead of "
                         "warming the caches first")
    tr.add_argument("--out", help="record file (JSON); default: stdout")


EXTRA_PARSERS: list[Callable[[argparse._SubParsersAction], None]] = []


def main(argv: list[str] | None = None) -> int:
    """Entry point of the extbench command."""
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.cmd](args)
    except ExtbenchError as e:
        if args.debug:
            raise
        print(f"extbench {args.cmd}: {e}", file=sys.stderr)
        return e.exit_status
    except KeyboardInterrupt:
        print(f"extbench {args.cmd}: interrupted", file=sys.stderr)
        return 130


def print_json(obj: object) -> None:
    """Print 'obj' as indented JSON on stdout."""
    json.dump(obj, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    sys.exit(main())
