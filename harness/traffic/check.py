"""Check a TRex STL profile before sending it: can each engine send each stream, and why not.

``check_file`` compiles a profile from any folder (``profile.compile_file``) and reports
per stream: its mode, rate, how many packets its field engine makes before repeating and
how many of them differ, and per engine whether it can be sent and, if not, why (the
engine's own message). ``extbench profile`` prints it.
"""

from collections.abc import Sequence
from pathlib import Path

from harness.errors import ExtbenchError
from harness.traffic import dpdk, fecode, fieldengine, local, mix, pgstats, schedule, tpg
from harness.traffic.profile import CompiledStream, compile_file

ENGINES = ("local", "dpdk")
#: What each engine can send of a looped stream's distinct packets (None: no cap), and how.
ENGINE_LIMITS = {"local": fieldengine.MAX_PACKETS, "dpdk": None}
_LIMIT_TEXT = {
    "local": f"at most {fieldengine.MAX_PACKETS:,} distinct packets per looped stream "
             f"(precomputed; a random stream replays a window), and at most "
             f"{fieldengine.MAX_PACKETS:,} packets per run of a timed profile (each made "
             f"in Python in advance)",
    "dpdk": f"distinct packets unlimited (above {dpdk.PRECOMPUTE_UP_TO:,} packets per "
            f"period, or random values that a replayed window would cut short, the engine "
            f"runs the field engine as it sends); timed profiles unlimited (the engine "
            f"runs TRex's scheduler and every stream's field engine as it sends)",
}
_MAC = "00:00:00:00:00:00"
#: The longest packet the dpdk engine sends (bytes without FCS; harness/dpdk/engine.c).
DPDK_MAX_PKT_LEN = fecode.MAX_TEMPLATE
#: Count distinct packets exactly up to this period (beyond, the period is the bound).
EXACT_DISTINCT = 65_536


def _program(s: CompiledStream) -> fieldengine.Program:
    return fieldengine.Program(len(s.packet), s.instructions, s.vm,
                               s.json.get("random_seed", 0))


def _field_engine(s: CompiledStream) -> dict:
    """The stream's field engine: its period and distinct packets, or why it fails."""
    try:
        prog = _program(s)
    except ExtbenchError as e:
        return {"error": str(e)}
    period = prog.exact_period()
    out = {"period": period, "random": period is None and not prog.cache}
    n = period if period is not None else prog.period()
    if period is None:
        out["window"] = n
    if n <= EXACT_DISTINCT:
        out["distinct_packets"] = len({prog.run(s.packet) for _ in range(n)})
    else:
        out["distinct_packets"] = None
    return out


def _stream_verdict(s: CompiledStream, fe: dict, engine: str, plan: str | None) -> str | None:
    """Why 'engine' cannot send stream 's' (None: it can)."""
    if not s.json.get("enabled", True):
        return None
    try:
        local.check_stream(s)
        if engine == "local":
            local.refuse_flow_stats(s)
        else:
            pgstats.groups([s])
            tpg.groups([s])
    except ExtbenchError as e:
        return str(e)
    if "error" in fe:
        return fe["error"]
    if plan == "loop" and engine == "local":
        n = fe["period"] if fe["period"] is not None else _program(s).period()
        if n > fieldengine.MAX_PACKETS:
            return (f"the field-engine program repeats after {n} packets; the {engine} "
                    f"engine loops over at most {fieldengine.MAX_PACKETS} distinct packets "
                    f"per stream (the dpdk engine makes them as it sends them)")
    if engine == "dpdk" and len(s.packet) > DPDK_MAX_PKT_LEN:
        return (f"{schedule.stream_label(s)}: {len(s.packet)}-byte packets; the dpdk engine "
                f"sends at most {DPDK_MAX_PKT_LEN} bytes (MAX_PKT_LEN of engine.c)")
    if engine == "dpdk" and plan == "loop" and dpdk.made_at_run_time(s):
        try:
            template = local.port_packet(s, _MAC, _MAC)
            fecode.encode(dpdk.stream_program(s, len(template)), template)
        except ExtbenchError as e:
            return str(e)
    if engine == "dpdk" and plan == "timed" and _timed_sends(s) is None:
        try:
            dpdk.timed_packets(s, local.port_packet(s, _MAC, _MAC), [])
        except ExtbenchError as e:
            return str(e)
    return None


def _timed_sends(s: CompiledStream) -> str | None:
    """How the dpdk engine makes a timed stream's packets, None if it cannot."""
    if not s.instructions:
        return "scheduled by the engine"
    try:
        made = dpdk.timed_packets(s, local.port_packet(s, _MAC, _MAC), [])
    except ExtbenchError:
        return None
    return ("scheduled by the engine, run time" if isinstance(made[0], fecode.Run)
            else "scheduled by the engine, precomputed")


def _sends(s: CompiledStream, fe: dict, engine: str, plan: str | None) -> str | None:
    """How 'engine' makes stream 's''s packets: 'precomputed' (a loop over the field
    engine's period, or a random window), 'run time' (the dpdk engine's run-time field
    engine: no cap), 'scheduled' (timed, the local engine: each packet made in Python,
    once), 'scheduled by the engine, …' (timed, the dpdk engine: TRex's scheduler in the
    engine, the packets made at run time or from the precomputed period); None if the
    field engine fails."""
    if "error" in fe:
        return None
    if plan != "loop":
        return _timed_sends(s) if engine == "dpdk" else "scheduled"
    if engine == "dpdk" and dpdk.made_at_run_time(s):
        return "run time"
    return "precomputed"


def _period_for(s: CompiledStream, fe: dict, engine: str) -> int:
    """The packets a stream fills in the engine's loop (1 for one made at run time)."""
    if engine == "dpdk" and dpdk.made_at_run_time(s):
        return 1
    return fe["period"] if fe["period"] is not None else _program(s).period()


def _profile_verdict(streams: Sequence[CompiledStream], plan: str | None,
                     fes: list[dict], engine: str) -> str | None:
    """Why the profile as a whole cannot be sent (None: nothing against it)."""
    enabled = [s for s in streams if s.json.get("enabled", True)]
    if not enabled:
        return "every stream of the profile is disabled"
    try:
        for s in enabled:
            schedule.next_index(s, streams)
    except ExtbenchError as e:
        return str(e)
    if plan == "loop" and len(enabled) > 1 and all("error" not in f for f in fes):
        periods = [_period_for(s, f, engine)
                   for s, f in zip(streams, fes, strict=True) if s.json.get("enabled", True)]
        try:
            mix.shares(periods, [s.pps for s in enabled], fieldengine.MAX_PACKETS)
        except ExtbenchError as e:
            return str(e)
    return None


def check_streams(streams: Sequence[CompiledStream], engines: Sequence[str] = ENGINES) -> dict:
    """The report of compiled 'streams' for 'engines' (see ``check_file``)."""
    streams = list(streams)
    try:
        plan: str | None = local.plan(streams)
    except ExtbenchError:
        plan = None
    fes = [_field_engine(s) for s in streams]
    wholes = {engine: _profile_verdict(streams, plan, fes, engine) for engine in engines}
    rows = []
    for s, fe in zip(streams, fes, strict=True):
        row = {"index": s.index, "name": s.name, "enabled": s.json.get("enabled", True),
               "mode": s.mode, "rate": s.rate, "pps": s.pps,
               "self_start": s.json.get("self_start", True), "isg_us": s.json.get("isg", 0),
               "next": s.json.get("next"), "action_count": s.json.get("action_count", 0),
               "packet_bytes": len(s.packet), "field_engine": fe, "engines": {}}
        for engine in engines:
            why = _stream_verdict(s, fe, engine, plan)
            row["engines"][engine] = {"ok": why is None, "reason": why,
                                      "sends": _sends(s, fe, engine, plan) if why is None
                                      else None}
        rows.append(row)
    verdicts = {}
    for engine in engines:
        bad = [r["index"] for r in rows if not r["engines"][engine]["ok"]]
        verdicts[engine] = {"ok": not bad and wholes[engine] is None,
                            "reason": wholes[engine], "refused_streams": bad,
                            "distinct_packets_per_stream": ENGINE_LIMITS[engine]}
    notes = []
    if any(s.instructions for s in streams):
        notes.append("TRex splits flow variables across its cores (split_to_cores, "
                     "split_by_var); these engines send from one, as a TRex core does")
    return {"streams": rows, "plan": plan, "ends": schedule.ends(streams),
            "engines": verdicts, "ok": all(v["ok"] for v in verdicts.values()),
            "notes": notes}


def check_file(path: Path, tunables: dict | None = None,
               engines: Sequence[str] = ENGINES) -> dict:
    """Compile the profile in 'path' with 'tunables' and report what 'engines' can send.

    Returns {'profile', 'tunables', 'streams': [per stream: index, name, mode, rate, pps,
    field_engine {period, distinct_packets, random}, engines {name: {ok, reason}}],
    'plan' ('loop' or 'timed', how the local engine sends it), 'ends' (whether the
    traffic stops by itself), 'engines' {name: {ok, reason, refused_streams}}, 'ok'}.
    Compiling errors raise ExtbenchError.
    """
    for engine in engines:
        if engine not in ENGINES:
            raise ExtbenchError(f"unknown engine '{engine}' (known: {', '.join(ENGINES)})")
    report = check_streams(compile_file(path, tunables), engines)
    return {"profile": str(path), "tunables": dict(tunables or {}), **report}


def render(report: dict) -> str:
    """The report as text, one block per stream."""
    lines = [f"profile {report['profile']}: {len(report['streams'])} streams, sent "
             f"{'as a loop' if report['plan'] == 'loop' else 'by timestamps'}, "
             f"{'ends by itself' if report['ends'] else 'runs until stopped'}"]
    for r in report["streams"]:
        fe = r["field_engine"]
        mode = r["mode"]["type"] + "".join(
            f" {k}={v}" for k, v in r["mode"].items() if k != "type")
        rate = f"{r['pps']:g} pps" if r["pps"] is not None else \
            f"{r['rate']['value']:g} {r['rate']['type']}"
        if "error" in fe:
            packets = "field engine refused"
        else:
            period = "random (no period)" if fe["random"] else f"period {fe['period']}"
            distinct = (f"{fe['distinct_packets']} distinct packets"
                        if fe["distinct_packets"] is not None else "distinct packets ≤ period")
            if "window" in fe:
                distinct += f" in a window of {fe['window']}"
            packets = f"{distinct}, {period}"
        name = f" '{r['name']}'" if r["name"] is not None else ""
        off = "" if r["enabled"] else " (disabled)"
        lines.append(f"  stream {r['index']}{name}{off}: {mode}, {rate}, {packets}")
        for engine, v in r["engines"].items():
            lines.append(f"    {engine}: " + (f"can send ({v['sends']})" if v["ok"]
                                              else f"no: {v['reason']}"))
    for engine, v in report["engines"].items():
        verdict = "can send every stream" if v["ok"] else (
            f"cannot send: {v['reason']}" if v["reason"] else
            f"refuses streams {v['refused_streams']}")
        lines.append(f"  {engine} engine: {verdict}; {_LIMIT_TEXT[engine]}")
    lines += [f"  note: {n}" for n in report["notes"]]
    return "\n".join(lines)
