"""chain: N switches in a line between a sender and a receiver (h1 — s1 — … — sN — h2)."""

from harness.net.topology import ExtTopo


class Chain(ExtTopo):
    """h1 — s1 — s2 — … — sN — h2; every switch runs the extension.

    switches: number of switches in the chain (default 3)
    """

    def build(self, switches: int = 3):
        if switches < 1:
            raise ValueError("switches must be at least 1")
        chain = [self.addSwitch(f"s{i}") for i in range(1, switches + 1)]
        for a, b in zip(chain, chain[1:], strict=False):
            self.addLink(a, b)
        self.addLink(self.addHost("h1"), chain[0])
        self.addLink(self.addHost("h2"), chain[-1])
