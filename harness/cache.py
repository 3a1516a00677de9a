"""Cache configurations of the userspace datapath: which of EMC, SMC and megaflows serve.

A trial's ``cache`` is a preset name or tokens joined by ``_`` (what is not said is OVS
3.1's default):

- ``emc<N>``: EMC insertion probability 1/N (``other_config:emc-insert-inv-prob``; OVS's
  default 100). ``emc0`` turns the EMC off: nothing is inserted, and dpif-netdev skips the
  EMC lookup when its insertion probability is zero.
- ``smc`` / ``nosmc``: the signature match cache on or off (``other_config:smc-enable``;
  off by default).
- ``mf``: megaflows (default). ``exact``: ``ovs-appctl upcall/disable-megaflows``. In OVS
  3.1's userspace datapath this does not make every packet an upcall: the upcall callback
  widens the megaflow's mask to every field of the packet (``flow_wildcards_init_for_packet``),
  so the datapath holds one exact-match flow per distinct packet, found in dpcls (counted as
  megaflow hits) after one upcall each. ``nomf``: no datapath flow at all, every packet an
  upcall: ``other_config:flow-limit=0`` makes the upcall handler refuse to install any flow
  (``should_install_flow``: ENOSPC), and dpif-netdev executes the upcall's actions on the
  packet anyway.

Presets: ``default`` (OVS's defaults, nothing set), ``all`` (every new flow inserted into
the EMC, SMC on, megaflows), ``megaflow`` (EMC off, megaflows only), ``exact`` (EMC off,
exact-match datapath flows), ``none`` (no cache: EMC off, every packet an upcall). The
talk's "all caches / megaflow only / no cache" are ``all``, ``megaflow`` and ``none``.
"""

import re
from dataclasses import dataclass

from harness.errors import ExtbenchError

#: OVS 3.1's defaults (lib/dpif-netdev.c: DEFAULT_EM_FLOW_INSERT_INV_PROB, smc-enable).
DEFAULT_EMC_INV_PROB = 100
MEGAFLOW_MODES = ("mf", "exact", "nomf")
PRESETS = {"default": "", "all": "emc1_smc_mf", "megaflow": "emc0_mf",
           "exact": "emc0_exact", "none": "emc0_nomf"}
#: Log lines the datapath writes, as it should, without datapath flows: a warning per
#: upcall (rate-limited to 5, then 1 a minute; the limiter then reports how many it
#: dropped, at the same level: lib/vlog.c).
NOMF_ALLOWED_LOG = (r"ofproto_dpif_upcall.*\|WARN\|upcall: datapath reached the dynamic "
                    r"limit of 0 flows",
                    r"ofproto_dpif_upcall.*\|WARN\|Dropped \d+ log messages in last \d+ "
                    r"seconds \(most recently, \d+ seconds ago\) due to excessive rate")
_TOKEN = re.compile(r"^(emc(?P<emc>\d+)|(?P<smc>smc|nosmc)|(?P<mf>mf|exact|nomf))$")


@dataclass(frozen=True)
class CacheConfig:
    """One cache configuration; 'name' as the experiment wrote it."""

    name: str = "default"
    emc_inv_prob: int = DEFAULT_EMC_INV_PROB
    smc: bool = False
    megaflows: str = "mf"

    @classmethod
    def parse(cls, text: str) -> "CacheConfig":
        """A preset name or ``_``-joined tokens (module docstring); bad input raises."""
        if not text:
            raise ExtbenchError("cache: empty configuration (try default)")
        tokens = PRESETS.get(text, text)
        fields: dict = {}
        for token in filter(None, tokens.split("_")):
            m = _TOKEN.match(token)
            if not m:
                raise ExtbenchError(
                    f"cache '{text}': unknown part '{token}' (presets: {', '.join(PRESETS)}; "
                    f"or emc<N>, smc, nosmc, mf, exact, nomf joined by '_')")
            key, value = next((k, v) for k, v in m.groupdict().items() if v is not None)
            key = {"emc": "emc_inv_prob", "mf": "megaflows"}.get(key, key)
            if key in fields:
                raise ExtbenchError(f"cache '{text}': '{token}' contradicts an earlier part")
            fields[key] = (int(value) if key == "emc_inv_prob" else
                           value == "smc" if key == "smc" else value)
        if fields.get("emc_inv_prob", 0) > 0xFFFFFFFF:
            raise ExtbenchError(f"cache '{text}': emc<N> takes N ≤ 4294967295")
        return cls(name=text, **fields)

    @property
    def emc(self) -> bool:
        """Whether the EMC serves packets at all."""
        return self.emc_inv_prob > 0

    def other_config(self) -> dict[str, str]:
        """Open_vSwitch other_config keys, set before ovs-vswitchd starts (only those that
        differ from OVS's defaults, so ``default`` sets nothing)."""
        out = {}
        if self.emc_inv_prob != DEFAULT_EMC_INV_PROB:
            out["emc-insert-inv-prob"] = str(self.emc_inv_prob)
        if self.smc:
            out["smc-enable"] = "true"
        if self.megaflows == "nomf":
            out["flow-limit"] = "0"
        return out

    def appctl_commands(self) -> list[tuple[str, ...]]:
        """ovs-appctl commands to run once the bridges exist (the upcall module registers
        its commands with the first bridge), before any flow is installed."""
        return [("upcall/disable-megaflows",)] if self.megaflows == "exact" else []

    def allowed_log(self) -> tuple[str, ...]:
        """Daemon log lines that this configuration makes expected."""
        return NOMF_ALLOWED_LOG if self.megaflows == "nomf" else ()

    def record_fields(self) -> dict:
        """The record's cache fields."""
        return {"cache": self.name, "cache_emc_inv_prob": self.emc_inv_prob,
                "cache_smc": self.smc, "cache_megaflows": self.megaflows}
