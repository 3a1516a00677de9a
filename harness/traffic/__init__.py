"""Traffic: TRex STL profiles and the engines that send them.

How the modules relate, from a profile file to a measured result:

- ``profile``: finds ``profiles/<name>.py`` and compiles its streams into
  ``CompiledStream`` objects (the JSON a TRex server receives). The TRex client library
  runs in a child interpreter (``trexload``), because it swaps in its own scapy and PyYAML.
- ``engine``: the ``Engine`` base class (its public ``run``/``warmup`` do the ordering,
  engines fill underscore hooks), ``TrafficResult``, and the registry ``get_engine``.
- ``local``: the engine that needs no TRex server. ``fieldengine`` reproduces TRex's
  field engine to expand each stream into its packets, ``mix`` interleaves streams in
  proportion to their rates, ``tcpreplay`` sends them, and
  ``counters`` reads interface counters inside the endpoints' namespaces.
- ``endpoint``: where traffic leaves and arrives (a network namespace or a Mininet host);
  ``vethpair`` makes two namespaces joined by a veth pair (tests, benchmarks).
"""

from harness.traffic.engine import Engine, TrafficResult, engine_names, get_engine

__all__ = ["Engine", "TrafficResult", "engine_names", "get_engine"]
