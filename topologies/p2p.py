"""p2p: one switch between a sender and a receiver (h1 — s1 — h2)."""

from harness.net.topology import ExtTopo


class P2P(ExtTopo):
    """h1 — s1 — h2."""

    def build(self):
        s1 = self.addSwitch("s1")
        self.addLink(self.addHost("h1"), s1)
        self.addLink(self.addHost("h2"), s1)
