"""leafspine: 2 spines, 4 leaves, one host per leaf; traffic crosses a spine."""

from harness.net.topology import ExtTopo


class LeafSpine(ExtTopo):
    """Spines s1, s2; leaves s3–s6 (each linked to both spines); host h<i> on leaf s<i+2>.

    The sender h1 is on the first leaf and the receiver h2 on the second one, so every
    packet crosses leaf → spine → leaf.
    """

    def build(self):
        spines = [self.addSwitch(f"s{i}") for i in (1, 2)]
        for i in range(1, 5):
            leaf = self.addSwitch(f"s{i + 2}")
            for spine in spines:
                self.addLink(leaf, spine)
            self.addLink(self.addHost(f"h{i}"), leaf)
