"""extbench: measure how BPF extensions integrate with Open vSwitch.

Vocabulary, used everywhere in the package and nowhere with a second name:

- variant: an OVS build, named after its folder in ``strategies/`` (``vanilla``,
  ``softflow``, ``oko``, ``oko-fold``, ``verifier``, ``refined``). ``harness.ovs`` builds and
  runs it.
- topology: a Mininet topology in ``topologies/<name>.py`` (``harness.net``).
- profile: a TRex STL profile in ``profiles/<name>.py`` (``harness.traffic``).
- extension: a BPF program in ``extensions/<name>.c`` with metadata (``harness.bpf``).
- engine: what sends a profile's packets: ``local`` (tcpreplay, no server) or ``trex``.
- trial: one run of a variant × topology × profile × extension at one rate;
  it produces one record (a JSON object, ``harness.trial``).

Names on the operating system carry the project prefix ``PREFIX`` ("xb"): Mininet
nodes (xbh1, xbs1, their veths xbs1-eth1 …), OVS bridges and run directories
(``/tmp/xb-run-*``), so that ``extbench clean`` finds exactly what the project made.
"""

PREFIX = "xb"
