"""fanout: one switch, one sender and several receivers (h1 → s1 → h2, h3, …)."""

from harness.net.topology import ExtTopo


class Fanout(ExtTopo):
    """h1 — s1 — {h2 … h(N+1)}: for extensions that rewrite the destination or mirror.

    The last receiver is also the mirror host.

    receivers_count: number of receiving hosts (default 2)
    """

    def build(self, receivers_count: int = 2):
        if receivers_count < 1:
            raise ValueError("receivers_count must be at least 1")
        s1 = self.addSwitch("s1")
        self.addLink(self.addHost("h1"), s1)
        names = [f"h{i}" for i in range(2, receivers_count + 2)]
        for name in names:
            self.addLink(self.addHost(name), s1)
        self.receivers = tuple(names)
        self.mirror = names[-1]
