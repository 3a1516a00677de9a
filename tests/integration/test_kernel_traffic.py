"""Each extension's ``placement.traffic`` against the real packets of its profile, in the kernel.

The profile is compiled as the local engine compiles it (TRex client in a child process,
field engine expanded), and every packet is run through the extension's action object:
the fraction passed must be the expected delivered (or mirrored) fraction, and every
passed packet must carry exactly the expected rewrites (checksums recomputed).
"""

import pytest

from harness.bpf import metadata, packets
from harness.bpf.compile import compile_extension
from harness.bpf.kernel import KernelProgram
from harness.bpf.scenarios import VERDICTS, diff_offsets
from harness.traffic.local import cycle
from harness.traffic.profile import compile_streams

pytestmark = [pytest.mark.integration, pytest.mark.root]

EXTS = {e.name: e for e in metadata.load_all()}
CASES = [(e.name, i) for e in EXTS.values() for i in range(len(e.placement["traffic"]))]
PROFILES = sorted({t["profile"] for e in EXTS.values() for t in e.placement["traffic"]})
SIZES = (64, 1518)
"""Frame sizes with FCS, as the profile's size tunable takes them."""


@pytest.fixture(scope="module")
def profile_packets() -> dict[str, list[bytes]]:
    """Every packet of one period of each profile (8 flows), at each size, in the order
    the local engine sends them (the stateful extensions depend on it)."""
    out: dict[str, list[bytes]] = {}
    for name in PROFILES:
        out[name] = []
        for size in SIZES:
            streams = compile_streams(name, {"flows": 8, "size": size})
            out[name] += cycle(streams, packets.ETH_SRC, packets.ETH_DST)
    return out


@pytest.mark.parametrize("name, entry", sorted(CASES), ids=lambda v: str(v))
def test_traffic_effect_on_the_profile_holds_in_the_kernel(tmp_path, profile_packets, name,
                                                           entry):
    ext = EXTS[name]
    traffic, placement = ext.placement["traffic"][entry], ext.placement
    pkts = profile_packets[traffic["profile"]]
    obj = compile_extension(name, "action", tmp_path / f"{name}.o")
    passed = 0
    with KernelProgram(obj) as kp:
        for pkt in pkts:
            ret, out = kp.run(pkt)
            if ret == VERDICTS["action"]["pass"]:
                passed += 1
                want = packets.rewritten(pkt, traffic["rewrites"])
                assert out == want, (f"{name}: output differs from the expected rewrites at "
                                     f"bytes {diff_offsets(out, want)}")
    fraction = passed / len(pkts)
    if placement["mirror"]:
        assert (fraction, traffic["delivered"]) == (traffic["mirrored"], 1.0), "mirrored"
    elif placement["on_fail"] == "drop":
        # Fractions such as 2/3 are declared to four places.
        assert fraction == pytest.approx(traffic["delivered"], abs=1e-4), (
            f"{name}: {fraction:.4f} of the packets pass")
    else:
        assert traffic["delivered"] == 1.0
