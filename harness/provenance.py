"""Provenance of a record: where, when and from what it was measured."""

import datetime
import hashlib
import json
import platform
import subprocess

from harness import paths


def git_describe() -> str:
    """``git describe --always --dirty`` of the repository, or "unknown"."""
    p = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=paths.ROOT,
                       capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else "unknown"


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def config_hash(obj: object) -> str:
    """A short stable hash of a JSON-serialisable configuration."""
    blob = json.dumps(obj, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def provenance() -> dict[str, str]:
    """Kernel, CPU, git revision and UTC time."""
    return {
        "kernel": platform.release(),
        "cpu_model": cpu_model(),
        "nproc": str(len(__import__("os").sched_getaffinity(0))),
        "git_revision": git_describe(),
        "utc_time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def machine_description() -> str:
    """One line naming this machine: CPU model, cores and kernel."""
    p = provenance()
    return f"{p['cpu_model']}, {p['nproc']} cores, Linux {p['kernel']}"
