"""Topologies: ``topologies/<name>.py`` files, each defining one ``ExtTopo`` subclass.

A topology overrides ``build()`` only and uses the logical names h1, h2 … and s1, s2 …;
``ExtTopo`` adds the project prefix to the names Mininet gives the operating system
(xbh1, xbs1, veths xbs1-eth1 …) so that ``extbench clean`` can find them.
"""

import importlib.util
import inspect

from mininet.topo import Topo

from harness import PREFIX, paths
from harness.errors import ExtbenchError, unknown


class ExtTopo(Topo):
    """A Mininet topology whose node names carry the project prefix."""

    #: Host that sends the profile's traffic, and the hosts that receive it (logical names).
    sender = "h1"
    receivers: tuple[str, ...] = ("h2",)
    #: Host that gets the copies of mirroring extensions, if the topology has one.
    mirror: str | None = None

    def addHost(self, name: str, **opts):  # noqa: N802 (Mininet's API)
        """Add host 'name' (a logical name such as h1)."""
        return super().addHost(PREFIX + name, **opts)

    def addSwitch(self, name: str, **opts):  # noqa: N802 (Mininet's API)
        """Add switch 'name' (a logical name such as s1)."""
        return super().addSwitch(PREFIX + name, **opts)

    def hosts_logical(self) -> list[str]:
        """Logical names of every host."""
        return [logical(h) for h in self.hosts()]


def logical(name: str) -> str:
    """The logical name (h1) of an OS-level node name (xbh1)."""
    return name[len(PREFIX):] if name.startswith(PREFIX) else name


def topology_names() -> list[str]:
    """Every topology in topologies/."""
    return sorted(p.stem for p in paths.TOPOLOGIES.glob("*.py") if not p.stem.startswith("_"))


def load_topology_class(name: str) -> type[ExtTopo]:
    """The ExtTopo subclass defined in topologies/<name>.py."""
    if name not in topology_names():
        raise unknown("topology", name, topology_names())
    path = paths.TOPOLOGIES / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"extbench_topology_{name}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as e:  # A user's file: report any error as bad input.
        raise ExtbenchError(f"topology {path}: {type(e).__name__}: {e}") from e
    classes = [c for c in vars(module).values() if inspect.isclass(c)
               and issubclass(c, ExtTopo) and c is not ExtTopo]
    if len(classes) != 1:
        raise ExtbenchError(f"topology {path}: expected one ExtTopo subclass, found "
                            f"{len(classes)}")
    return classes[0]


def make_topology(name: str, **params) -> ExtTopo:
    """Instantiate topology 'name' with its parameters (e.g. switches=3 for chain)."""
    cls = load_topology_class(name)
    try:
        return cls(**params)
    except TypeError as e:
        raise ExtbenchError(f"topology '{name}': bad parameters {params}: {e}") from e
