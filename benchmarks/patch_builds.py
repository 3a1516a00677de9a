"""Every patch of a variant's series builds: one incremental ``make`` per patch, timed.

An OVS developer reviews a series in which each patch builds. This unpacks the tarball
into build/src/series-<variant> (inside ccache's base directory, so compilations that
another tree already made are cache hits), commits it, configures it once with the
build's flags (harness/ovs/build.py), builds it, then applies the variant's patches one
by one with ``git am`` and runs ``make -jN`` after each. It prints one line per patch
(result, seconds) and exits 1 if any patch does not build. Takes long (the patches that
edit widely included headers rebuild most of lib/): tests/integration/test_patches.py
runs it only with XB_PATCH_BUILD=1. Usage:

    .venv/bin/python -m benchmarks.patch_builds VARIANT [VARIANT …] [--jobs 2] \
        [--json OUT.json] [--keep]
"""

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from harness import paths
from harness.errors import ExtbenchError
from harness.ovs import build, series
from harness.ovs.variant import load_variant
from harness.proc import run


def series_tree(variant: str) -> Path:
    """Where the per-patch builds of 'variant' happen."""
    return paths.BUILD / "src" / f"series-{variant}"


def make(tree: Path, jobs: int) -> tuple[bool, float, str]:
    """Run make -j'jobs' in 'tree': (built, seconds, the output's last lines)."""
    start = time.monotonic()
    out, err, rc = run(["nice", "-n", "19", "make", f"-j{jobs}"], env=build.build_env(),
                       cwd=str(tree))
    tail = "\n".join((out + err).strip().splitlines()[-15:])
    return rc == 0, time.monotonic() - start, tail


def build_each_patch(name: str, jobs: int = 2, keep: bool = False,
                     log=sys.stderr) -> list[dict]:
    """Build the pristine tree, then each patch of variant 'name' in turn; one result per
    build: {"patch", "layer", "built", "seconds", "tail"} (the first is "pristine")."""
    variant = load_variant(name)
    tree = series_tree(name)
    gdir = paths.BUILD / "git" / f"series-{name}"
    if gdir.exists():
        shutil.rmtree(gdir)
    build.unpack(tree)
    series.init_repo(tree, gdir, "pristine openvswitch 3.1.0 tarball")
    out, err, rc = run(["nice", "-n", "19", "./configure", *build.CONFIGURE_FLAGS],
                       env=build.build_env(), cwd=str(tree))
    if rc != 0:
        raise ExtbenchError(f"configure failed in {tree}:\n{(out + err)[-3000:]}")
    results = []
    try:
        built, secs, tail = make(tree, jobs)
        results.append({"patch": "pristine", "layer": "", "built": built,
                        "seconds": round(secs, 1), "tail": "" if built else tail})
        print(f"{'ok' if built else 'FAILED':6} {secs:7.1f} s  pristine", file=log, flush=True)
        if not built:
            return results
        for layer in variant.layers:
            for patch in layer.patches:
                series.am(tree, gdir, [patch])
                built, secs, tail = make(tree, jobs)
                results.append({"patch": patch.name, "layer": layer.name, "built": built,
                                "seconds": round(secs, 1), "tail": "" if built else tail})
                print(f"{'ok' if built else 'FAILED':6} {secs:7.1f} s  {layer.name}/"
                      f"{patch.name}", file=log, flush=True)
                if not built:
                    print(tail, file=log)
                    # Go on: the next patch may repair the build, and the report says which.
    finally:
        if not keep:
            shutil.rmtree(tree, ignore_errors=True)
            shutil.rmtree(gdir, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Build each patch of each variant named; print and optionally write the results."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("variants", nargs="+")
    p.add_argument("--jobs", type=int, default=2, help="make -j (default 2)")
    p.add_argument("--json", type=Path, help="write the results here")
    p.add_argument("--keep", action="store_true", help="keep build/src/series-<variant>")
    a = p.parse_args(argv)
    results = {}
    for name in a.variants:
        print(f"== {name}", file=sys.stderr)
        results[name] = build_each_patch(name, a.jobs, a.keep)
    if a.json:
        a.json.write_text(json.dumps(results, indent=1) + "\n")
    failed = [f"{v}/{r['patch']}" for v, rs in results.items() for r in rs if not r["built"]]
    for v, rs in results.items():
        total = sum(r["seconds"] for r in rs)
        print(f"{v}: {sum(r['built'] for r in rs)}/{len(rs)} builds ok, {total:.0f} s")
    if failed:
        print("not built: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
