"""gateway: one switch between an inside host and the outside (h2 → s1 → h1, h3)."""

from harness.net.topology import ExtTopo


class Gateway(ExtTopo):
    """h1 (inside) and h3 (outside peer) receive, h2 (outside) sends: for firewalls.

    The firewall extensions treat h1 (10.0.0.1) as the inside. The sender is outside, so
    its traffic can enter; it also speaks for h1 and h3 (spoofed sources), as a traffic
    generator's port does, to open flows from the inside and answer them.
    """

    sender = "h2"
    receivers = ("h1", "h3")

    def build(self):
        s1 = self.addSwitch("s1")
        for name in ("h1", "h2", "h3"):
            self.addLink(self.addHost(name), s1)
