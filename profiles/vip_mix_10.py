"""VIP mix with 10 % of the packets to the virtual IP (profiles/vip_mix.py)."""

# TRex (and extbench's loader) put the profile's folder on sys.path.
from vip_mix import VipMix


class VipMix10(VipMix):
    """10 % of the packets to the virtual IP; tunables those of vip_mix."""

    SHARE = 0.1


def register():
    """TRex's entry point."""
    return VipMix10()
