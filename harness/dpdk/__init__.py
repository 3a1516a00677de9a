"""DPDK for the ``dpdk`` port type: hugepages, the DPDK traffic engine and its process.

With ``port_type: dpdk`` no packet of a measurement crosses the kernel: every switch port
that faces a host is an OVS ``dpdkvhostuserclient`` port, and the host's side is a port
(a virtio-user device) of one DPDK engine process (``engine.c``, built by ``build``),
which sends and counts for every host. ``hugepages`` reserves the memory both need and
gives it back; ``process`` runs and stops the engine; ``harness.traffic.dpdk`` is the
engine as the trial sees it (the ``Engine`` interface).
"""

#: Prefix of every DPDK runtime name the project creates (--file-prefix, sockets).
from harness import PREFIX

FILE_PREFIX = f"{PREFIX}-dpdk-"
