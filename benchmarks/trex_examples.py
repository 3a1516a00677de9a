"""Which of a folder's TRex STL profiles ``extbench profile`` accepts, per engine, and why not.

For TRex's own examples (trex-core ``scripts/stl``, not part of this repository): each
``*.py`` of FOLDER (not its subfolders) is compiled with its default tunables and checked
(``check.check_file``); a profile counts as accepted by an engine when every stream can be
sent. Prints the counts per engine, the profiles of which the dpdk engine makes a stream
with its run-time field engine, and the refusals grouped by reason (numbers, offsets and
names masked so that alike reasons group). Profiles that require tunables (``imix_wlc``:
``--src``, ``--dst``) take them from ``--tunables FILE``, a JSON object {profile name:
{tunable: value}}; ``benchmarks/trex_examples_tunables.json`` gives ``imix_wlc`` the
addresses of TRex's examples. Usage:

    .venv/bin/python -m benchmarks.trex_examples TREX_CORE_DIR/scripts/stl [--json]
        [--tunables benchmarks/trex_examples_tunables.json]
"""

import argparse
import collections
import json
import re
import sys
from pathlib import Path

from harness.errors import ExtbenchError
from harness.traffic.check import ENGINES, check_file


def _kind(reason: str) -> str:
    reason = re.sub(r"stream \d+( '[^']*')?", "stream N", reason)
    reason = re.sub(r"'[^']*'", "'…'", reason)
    return re.sub(r"\d+", "N", reason)[:160]


def load_tunables(path: Path | None) -> dict[str, dict]:
    """{profile name: tunables} from JSON file 'path' (None: none)."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise ExtbenchError(f"{path}: not a tunables file: {e}") from e
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ExtbenchError(f"{path}: a tunables file is a JSON object {{profile: "
                            f"{{tunable: value}}}}")
    return data


def survey(folder: Path, tunables: dict[str, dict] | None = None) -> dict:
    """{'profiles', 'accepted': {engine: n}, 'refused': {engine: {profile: reason}},
    'dpdk_run_time': [profiles of which the dpdk engine makes a stream at run time]};
    'tunables': {profile name: tunables} for the profiles that need some."""
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not files:
        raise ExtbenchError(f"{folder}: no *.py profile")
    accepted = dict.fromkeys(ENGINES, 0)
    refused: dict[str, dict[str, str]] = {e: {} for e in ENGINES}
    run_time: list[str] = []
    for f in files:
        try:
            report = check_file(f, (tunables or {}).get(f.stem))
        except ExtbenchError as e:
            for engine in ENGINES:
                refused[engine][f.name] = f"not compiled: {e}"
            continue
        if any("run time" in (r["engines"].get("dpdk", {}).get("sends") or "")
               for r in report["streams"]):
            run_time.append(f.name)
        for engine, v in report["engines"].items():
            if v["ok"]:
                accepted[engine] += 1
                continue
            why = v["reason"] or next(r["engines"][engine]["reason"] for r in report["streams"]
                                      if not r["engines"][engine]["ok"])
            refused[engine][f.name] = why
    return {"folder": str(folder), "profiles": len(files), "accepted": accepted,
            "refused": refused, "dpdk_run_time": run_time}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--tunables", type=Path, help="JSON: {profile name: {tunable: value}}")
    a = p.parse_args(argv)
    s = survey(a.folder, load_tunables(a.tunables))
    if a.json:
        print(json.dumps(s, indent=1))
        return 0
    print(f"{s['profiles']} profiles in {s['folder']}; the dpdk engine makes streams of "
          f"{len(s['dpdk_run_time'])} at run time: {', '.join(s['dpdk_run_time'])}")
    for engine in ENGINES:
        print(f"{engine}: accepts {s['accepted'][engine]}")
        groups = collections.defaultdict(list)
        for name, why in s["refused"][engine].items():
            groups[_kind(why)].append((name, why))
        for _, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(items)}: {items[0][1][:200]}")
            print(f"      {', '.join(n for n, _ in items)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
