"""Build the DPDK engine (engine.c) against Debian's DPDK with pkg-config."""

import hashlib
import os
import shutil
import threading
from pathlib import Path

from harness import paths
from harness.errors import ExtbenchError
from harness.proc import run, run_checked

SOURCE = Path(__file__).with_name("engine.c")
BINARY = paths.BUILD / "dpdk" / "xb-dpdk-engine"
CFLAGS = ["-O2", "-g", "-Wall", "-Wextra", "-Werror"]


def _pkg_config(*args: str) -> str:
    """pkg-config's answer about libdpdk; an error names the packages to install."""
    out, err, rc = run(["pkg-config", *args, "libdpdk"])
    if rc != 0:
        raise ExtbenchError(f"DPDK not found (pkg-config libdpdk: {err.strip()}): install "
                            "Debian's dpdk, dpdk-dev and libdpdk-dev (make setup)")
    return out.strip()


def dpdk_version() -> str:
    """The version of the DPDK that OVS and the engine build against (22.11.x here)."""
    return _pkg_config("--modversion")


def dpdk_flags() -> list[str]:
    """Compiler and linker flags of libdpdk."""
    return _pkg_config("--cflags", "--libs").split()


def _source_hash() -> str:
    return hashlib.sha256(SOURCE.read_bytes() + " ".join(CFLAGS).encode()).hexdigest()


def build_engine(force: bool = False) -> Path:
    """Compile the engine if its source changed since the last build; return its path."""
    stamp = BINARY.with_suffix(".sha256")
    if (not force and BINARY.exists() and stamp.exists()
            and stamp.read_text() == _source_hash()):
        return BINARY
    if shutil.which("gcc") is None:
        raise ExtbenchError("'gcc' not found: run make setup")
    BINARY.parent.mkdir(parents=True, exist_ok=True)
    tmp = BINARY.with_suffix(f".tmp{os.getpid()}.{threading.get_ident()}")
    run_checked(["gcc", *CFLAGS, "-o", str(tmp), str(SOURCE), *dpdk_flags()])
    tmp.replace(BINARY)
    stamp.write_text(_source_hash())
    return BINARY
