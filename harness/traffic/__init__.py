"""Traffic: TRex STL profiles and the engines that send them.

How the modules relate, from a profile file to a measured result:

- ``profile``: finds ``profiles/<name>.py`` and compiles its streams into
  ``CompiledStream`` objects (the JSON a TRex server receives). The TRex client library
  runs in a child interpreter (``trexload``), because it swaps in its own scapy and PyYAML.
- ``engine``: the ``Engine`` base class (its public ``run``/``warmup`` do the ordering,
  engines fill underscore hooks), ``TrafficResult``, and the registry ``get_engine``.
- ``local``: the engine that needs no TRex server. ``fieldengine`` reproduces TRex's
  field engine to expand each stream into its packets, ``mix`` interleaves streams in
  proportion to their rates, ``schedule`` reproduces TRex's stream scheduler (bursts,
  gaps, chains) as a pure function, ``tcpreplay`` sends them (looped, or by timestamps),
  and ``counters`` reads interface counters inside the endpoints' namespaces. ``dpdk``
  sends the same packets from a DPDK process.
- ``check``: what each engine can send of a profile, and why not (``extbench profile``).
- ``endpoint``: where traffic leaves and arrives (a network namespace or a Mininet host);
  ``vethpair`` makes two namespaces joined by a veth pair (tests, benchmarks).
"""

from harness.traffic.engine import Engine, TrafficResult, engine_names, get_engine

__all__ = ["Engine", "TrafficResult", "engine_names", "get_engine"]
