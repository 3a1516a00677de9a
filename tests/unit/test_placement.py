"""Rendering an extension's placement into each variant's flows."""

import pytest

from harness.errors import ExtbenchError
from harness.placement import ExtensionUse, NotExpressible, render, role_on

ROUTES = {"h1": 1, "h2": 2}
IPS = {"h1": "10.0.0.1", "h2": "10.0.0.2"}
DROP = {"stage": "ingress", "on_fail": "drop", "mirror": False, "forwarding_on": ["ip.dst"]}


def test_parse_extension_use():
    assert ExtensionUse.parse("noop") == ExtensionUse("noop", 1, False)
    assert ExtensionUse.parse("payload_xor-chain10-coalesce") == \
        ExtensionUse("payload_xor", 10, True)
    for bad in ("", "Noop", "noop-chain0", "noop-coalesce-chain2"):
        with pytest.raises(ExtbenchError):
            ExtensionUse.parse(bad)


def test_roles_and_what_is_not_expressible():
    use = ExtensionUse("x")
    assert role_on("action", ("coalesce",), use, "both") == "action"
    assert role_on("filter", (), use, "both") == "filter"
    with pytest.raises(NotExpressible):
        role_on("filter", (), use, "action")  # A rewriting extension on oko.
    with pytest.raises(NotExpressible):
        role_on("none", (), use, "both")  # Vanilla.
    with pytest.raises(NotExpressible):
        role_on("action", (), ExtensionUse("x", coalesce=True), "action")  # verifier


def test_action_chain_one_program_per_table():
    flows = render("action", ExtensionUse("x", chain=2, coalesce=True), DROP, ROUTES, IPS, None)
    assert flows[0] == "table=0,priority=100,ip,actions=bpf(prog=1,coalesce),resubmit(,1)"
    assert flows[1] == "table=1,priority=100,ip,actions=bpf(prog=2,coalesce),resubmit(,2)"
    assert "table=2,priority=100,ip,nw_dst=10.0.0.2,actions=output:2" in flows


def test_filter_falls_through_to_drop_or_continue():
    flows = render("filter", ExtensionUse("x"), DROP, ROUTES, IPS, None)
    assert flows[:2] == ["table=0,priority=100,ip,filter_prog=1,actions=resubmit(,1)",
                         "table=0,priority=90,ip,actions=drop"]
    cont = dict(DROP, on_fail="continue")
    assert render("filter", ExtensionUse("x"), cont, ROUTES, IPS, None)[1] == \
        "table=0,priority=90,ip,actions=resubmit(,1)"


def test_mirror_needs_a_mirror_host():
    mirror = dict(DROP, on_fail="continue", mirror=True)
    with pytest.raises(ExtbenchError, match="mirror host"):
        render("action", ExtensionUse("x"), mirror, ROUTES, IPS, None)
    flows = render("action", ExtensionUse("x"), mirror, ROUTES, IPS, 3)
    assert flows[0] == "table=0,priority=100,ip,actions=clone(bpf(prog=1),output:3),resubmit(,1)"
