"""VIP mix with 50 % of the packets to the virtual IP (profiles/vip_mix.py)."""

# TRex (and extbench's loader) put the profile's folder on sys.path.
from vip_mix import VipMix


class VipMix50(VipMix):
    """50 % of the packets to the virtual IP; tunables those of vip_mix."""

    SHARE = 0.50


def register():
    """TRex's entry point."""
    return VipMix50()
