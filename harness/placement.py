"""Rendering an extension's abstract placement into a variant's OpenFlow tables.

A trial's extension is written ``NAME[-chainN][-coalesce]``: extension NAME (from
``extensions/``), run N times in a row (programs 1…N, the chain-length experiment), and,
on variants whose bpf() action takes it, SoftFlow's ``coalesce`` flag.

Every switch runs the chain on every IPv4 packet it receives, one program per table:
table i runs program i+1 and continues in table i+1; the last table forwards by
destination address (``harness.flows``). A variant's ``variant.yaml`` says how it
expresses a program (``extensions: action | filter | none``):

- action (softflow, verifier, refined): ``actions=bpf(prog=ID[,coalesce]),resubmit(,NEXT)``; a
  mirror placement becomes ``clone(bpf(prog=ID),output:MIRROR)``.
- filter (oko): ``filter_prog=ID,actions=resubmit(,NEXT)`` and, one priority lower, what a
  failing filter means: drop, or continue without it (``on_fail: continue``); a mirror
  placement adds ``output:MIRROR`` to the matching rule.

What a variant cannot express raises ``NotExpressible``; trials record it as such.
"""

import re
from dataclasses import dataclass

from harness.errors import ExtbenchError
from harness.flows import FORWARD_PRIORITY, forwarding_flows

_USE_RE = re.compile(r"^(?P<name>[a-z0-9_]+)(-chain(?P<chain>\d+))?(?P<coalesce>-coalesce)?$")


class NotExpressible(ExtbenchError):
    """The variant has no way to express this extension (recorded, not an error)."""


@dataclass(frozen=True)
class ExtensionUse:
    """An extension as a trial uses it."""

    name: str
    chain: int = 1
    coalesce: bool = False

    @classmethod
    def parse(cls, text: str) -> "ExtensionUse":
        """Parse NAME[-chainN][-coalesce]."""
        m = _USE_RE.match(text)
        if not m or (m.group("chain") and int(m.group("chain")) < 1):
            raise ExtbenchError(f"extension '{text}': expected NAME[-chainN][-coalesce]")
        return cls(m.group("name"), int(m.group("chain") or 1), bool(m.group("coalesce")))


def role_on(syntax: str, options: tuple[str, ...], use: ExtensionUse, kind: str) -> str:
    """The role (action or filter) 'use' takes on a variant; NotExpressible if none.

    syntax: the variant's ``extensions`` (action, filter or none)
    options: the variant's ``action_options`` (e.g. coalesce)
    kind: the extension's kind (action, filter or both)
    """
    role = {"action": "action", "filter": "filter"}.get(syntax)
    if role is None:
        raise NotExpressible("this variant has no extension mechanism")
    if kind not in (role, "both"):
        raise NotExpressible(f"a {kind} extension cannot be a {role} on this variant")
    if use.coalesce and "coalesce" not in options:
        raise NotExpressible("this variant has no coalesce flag")
    return role


def render(role: str, use: ExtensionUse, placement: dict, routes: dict[str, int],
           host_ips: dict[str, str], mirror_port: int | None) -> list[str]:
    """Every flow of one switch running 'use' (programs 1…chain) before forwarding.

    role: from ``role_on``
    placement: the extension's metadata placement
    routes, host_ips: as for ``forwarding_flows``
    mirror_port: this switch's port to the topology's mirror host, if it has one
    """
    if placement["mirror"] and mirror_port is None:
        raise ExtbenchError("the extension mirrors packets: use a topology with a mirror host")
    flows = []
    for i in range(use.chain):
        prog, nxt = i + 1, i + 1
        match = f"table={i},priority={FORWARD_PRIORITY},ip"
        if role == "action":
            bpf = f"bpf(prog={prog}{',coalesce' if use.coalesce else ''})"
            run = f"clone({bpf},output:{mirror_port})" if placement["mirror"] else bpf
            flows.append(f"{match},actions={run},resubmit(,{nxt})")
        else:
            out = f"output:{mirror_port}," if placement["mirror"] else ""
            flows.append(f"{match},filter_prog={prog},actions={out}resubmit(,{nxt})")
            fail = "drop" if placement["on_fail"] == "drop" else f"resubmit(,{nxt})"
            flows.append(f"table={i},priority={FORWARD_PRIORITY - 10},ip,actions={fail}")
    return flows + forwarding_flows(routes, host_ips, table=use.chain)
