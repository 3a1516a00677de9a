"""DPDK for the ``dpdk`` port type: hugepages, the DPDK traffic engine and its process.

With ``port_type: dpdk`` no packet of a measurement crosses the kernel: every switch port
that faces a host is an OVS ``dpdkvhostuserclient`` port, and the host's side is a port
(a virtio-user device) of one DPDK engine process (``engine.c``, built by ``build``),
which sends and counts for every host. ``hugepages`` reserves the memory both need and
gives it back; ``process`` runs and stops the engine; ``harness.traffic.dpdk`` is the
engine as the trial sees it (the ``Engine`` interface).
"""

import shutil
from pathlib import Path

from harness import PREFIX

#: Prefix of every DPDK runtime name the project creates (--file-prefix, files in /tmp).
FILE_PREFIX = f"{PREFIX}-dpdk-"
#: Where a DPDK process keeps its runtime files (the telemetry socket, even --in-memory).
RUNTIME_DIR = Path("/var/run/dpdk")


def remove_runtime_dir(file_prefix: str) -> None:
    """Remove the runtime dir of a stopped DPDK process with this --file-prefix."""
    shutil.rmtree(RUNTIME_DIR / file_prefix, ignore_errors=True)
