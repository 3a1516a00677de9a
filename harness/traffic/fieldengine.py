"""TRex's field engine, reproduced: expand a stream into the packets a TRex server sends.

A TRex server sends each packet as a fresh copy of the stream's template on which the
field-engine program has run: flow variables advance once per packet, writes copy them
into the packet, checksums are fixed. ``expand`` runs the same program, with the same
arithmetic as TRex's data path (src/stx/stl/trex_stl_stream_vm.h/.cpp), over one period
of the program, after which the sequence repeats; ``Program.run`` makes one packet at a
time. It models one TRex core: TRex splits variables' ranges across its cores
(``split_to_cores``, the program's ``split_by_var``); the local and dpdk engines send from
one, where splitting changes nothing, so both are ignored.

What TRex does, and this module with it:

- ``flow_var`` (inc, dec, random; ranges and value lists; ``step`` modulo the range;
  a range whose length is not a multiple of the step padded as TRex's server pads it):
  before the first packet a variable holds the value one step before its initial value
  (TRex's ``peek_prev``), so the first packet carries the initial value. ``next_var``
  chains variables like an odometer: the next variable advances only in a packet in which
  this one wrapped around (for a value list: used an index reached by wrapping), exactly
  as the data path's ``m_skip`` jumps over the next variable's instruction. TRex requires
  the next variable right after in the program, and so does this module.
- ``flow_var_rand_limit``: TRex's generator seeded with the variable's own ``seed``,
  restarted every ``limit`` packets; as the head of a ``next_var`` chain it advances the
  next variable at each restart.
- ``tuple_flow_var`` (``STLVmTupleGen``): ``NAME.ip`` advances by one per packet, and
  ``NAME.port`` by one each time the address wraps; after ``limit_flows`` packets both
  restart at their minimum (``flags`` 1, unlimited flows ignoring the port range, is
  refused).
- ``write_flow_var`` (size of the variable, ``add_value`` wrapping at that size, either
  byte order), ``write_mask_flow_var`` (TRex computes in 32 bits and, for an 8-byte
  variable in big-endian mode, reads the variable's high half: so does this module).
- ``trim_pkt_size``: the packet is cut to the variable's value (bytes without FCS), after
  TRex's own fix-ups of the variable (its range is clipped to the template's length and
  starts at 60 at least; a value list must lie in 60..length).
- ``fix_checksum_ipv4``; ``fix_checksum_icmpv6`` (pseudo header with the IPv6 payload
  length; TRex's sum drops the last byte of an odd-length message, which makes a wrong
  checksum: this module computes the correct one); ``fix_checksum_hw`` for IPv4 (header
  checksum, and TCP or UDP by the packet's protocol) and for IPv6 (TCP or UDP by the
  instruction's ``l4_type``), computed in software after trimming, as the NIC would.
- A random variable draws from TRex's per-core generator (fastrand), seeded as TRex seeds
  its first core: ``random_seed × 514229``. With no ``random_seed`` TRex seeds it from the
  clock, so no run can reproduce its values; this module then uses ``DEFAULT_SEED``.
  A program with a random variable has no period: the engines replay a window of at least
  ``RANDOM_WINDOW`` packets (``Program.run`` keeps drawing).
"""

import math
from collections.abc import Callable

from harness.errors import ExtbenchError

# Most distinct packets one stream may expand to (the sender preloads them all in memory;
# the dpdk engine makes a longer or random stream's packets as it sends them: fecode).
MAX_PACKETS = 1_048_576
RANDOM_WINDOW = 4_096
DEFAULT_SEED = 1
# TRex multiplies a stream's seed by (core + 1) × 514229 (one core here: core 0).
_CORE0_SEED_FACTOR = 514229
# The smallest packet TRex's trim_pkt_size makes (bytes, without FCS).
MIN_TRIM = 60
_SIZES = (1, 2, 4, 8)
_HW_L4_UDP, _HW_L4_TCP, _HW_L4_IP = 11, 13, 17


class _Rand:
    """TRex's per-core generator (fastrand: the MSVC linear congruential generator)."""

    def __init__(self, seed: int):
        self.seed = seed & 0xFFFFFFFF

    def r16(self) -> int:
        self.seed = (214013 * self.seed + 2531011) & 0xFFFFFFFF
        return (self.seed >> 16) & 0x7FFF

    def r32(self) -> int:
        hi = self.r16()
        return ((hi << 16) + self.r16()) & 0xFFFFFFFF

    def r64(self) -> int:
        hi = self.r32()
        return ((hi << 32) + self.r32()) & 0xFFFFFFFFFFFFFFFF

    def sized(self, size: int) -> int:
        """The draw TRex uses for a variable of 'size' bytes."""
        return self.r16() if size <= 2 else self.r32() if size == 4 else self.r64()

    def ranged(self, size: int, lo: int, hi: int) -> int:
        """A draw in lo..hi as TRex makes it for a variable of 'size' bytes."""
        span = hi - lo + 1
        if span == 1 << 64:
            return self.r64()
        return lo + self.sized(size) % span


def _inc_mod(lo: int, hi: int, cur: int, step: int) -> int:
    return cur + step if step <= hi - cur else lo + (step - (hi - cur) - 1)


def _dec_mod(lo: int, hi: int, cur: int, step: int) -> int:
    return cur - step if step <= cur - lo else hi - (step - (cur - lo) - 1)


def _unsupported(what: str) -> ExtbenchError:
    return ExtbenchError(f"field-engine instruction {what} is not supported by the local "
                         f"engine")


def _cycle(span: int, step: int) -> tuple[int, int]:
    """(period, wrap-arounds per period) of a counter over 'span' values by 'step'."""
    if step == 0:
        return 1, 0
    g = math.gcd(step, span)
    return span // g, step // g


class _Var:
    """A flow variable: its value, size, and the chaining state of ``next_var``.

    period: packets until the variable's state repeats (None: random, no period)
    wraps: wrap-arounds per period (how often it advances its next variable)
    carry: whether the last advance wrapped around; ran: whether it advanced this packet
    prev: the variable whose wrap-arounds advance this one (next_var), or None
    """

    size = 4
    period: int | None = 1
    wraps = 0
    value = 0
    carry = False
    ran = False
    prev: "_Var | None" = None

    def advance(self) -> None:
        raise NotImplementedError


class _FlowVar(_Var):
    """A ``flow_var``: inc/dec over a range or a value list, or random."""

    def __init__(self, ins: dict, rand: _Rand):
        self.size, self.op, self.rand = ins["size"], ins["op"], rand
        if self.op not in ("inc", "dec", "random"):
            raise _unsupported(f"flow_var '{ins['name']}' with op '{self.op}'")
        self.values = ins.get("value_list") or None
        if self.values:
            self.lo, self.hi = 0, len(self.values) - 1
            init = 0 if self.op == "inc" else self.hi
        else:
            self.lo, self.hi = ins["min_value"], ins["max_value"]
            init = ins.get("init_value", self.lo)
            if init is None:
                init = self.hi if self.op == "dec" else self.lo
        span = self.hi - self.lo + 1
        self.step = ins.get("step", 1) % span
        self.init = init
        if self.op == "random":
            self.value, self.period = init, None
        else:
            # Before the first packet a variable holds the value one step before its
            # initial value (for a value list: the index, as TRex's bss does).
            back = _dec_mod if self.op == "inc" else _inc_mod
            self.index = init
            self.value = back(self.lo, self.hi, init, self.step)
            self.period, self.wraps = _cycle(span, self.step)

    def advance(self) -> None:
        if self.op == "random":
            if self.values is not None:
                self.value = self.values[self.rand.r16() % len(self.values)]
            else:
                self.value = self.rand.ranged(self.size, self.lo, self.hi)
            self.carry = False
        elif self.values is not None:
            n, i = len(self.values), self.index
            self.value = self.values[i]
            if self.op == "inc":
                self.carry, self.index = i < self.step, (i + self.step) % n
            else:
                self.carry, self.index = i + self.step >= n, (i - self.step) % n
        elif self.op == "inc":
            self.carry = self.step > self.hi - self.value
            self.value = _inc_mod(self.lo, self.hi, self.value, self.step)
        else:
            self.carry = self.step > self.value - self.lo
            self.value = _dec_mod(self.lo, self.hi, self.value, self.step)


class _RandLimitVar(_Var):
    """A ``flow_var_rand_limit``: a random sequence that restarts every 'limit' packets."""

    def __init__(self, ins: dict):
        self.size, self.limit, self.seed0 = ins["size"], ins["limit"], ins["seed"]
        self.lo, self.hi = ins["min_value"], ins["max_value"]
        if self.limit < 1:
            raise ExtbenchError(f"flow_var_rand_limit '{ins['name']}': limit must be ≥ 1")
        self.rand, self.count, self.value = _Rand(self.seed0), 0, 0
        self.period, self.wraps = self.limit, 1

    def advance(self) -> None:
        if self.count == self.limit:
            self.rand, self.count = _Rand(self.seed0), 0
        self.carry = self.count == 0
        self.value = self.rand.ranged(self.size, self.lo, self.hi)
        self.count += 1


class _TupleVar(_Var):
    """A ``tuple_flow_var``: an address that advances per packet and a port per wrap."""

    def __init__(self, ins: dict):
        if ins.get("flags", 0) & 1:
            raise _unsupported(f"tuple_flow_var '{ins['name']}' with flags 1 (unlimited "
                               f"flows)")
        self.ip_lo, self.ip_hi = ins["ip_min"], ins["ip_max"]
        self.port_lo, self.port_hi = ins["port_min"], ins["port_max"]
        self.limit = ins.get("limit_flows", 0) or 0
        if self.ip_lo > self.ip_hi or self.port_lo > self.port_hi:
            raise ExtbenchError(f"tuple_flow_var '{ins['name']}': minimum above maximum")
        ip_span = self.ip_hi - self.ip_lo + 1
        port_span = self.port_hi - self.port_lo + 1
        # TRex's single-core steps: the address by 1 (0 if it has one value, then the
        # port moves by 1 per packet), the port by 1 per wrap of the address.
        self.ip_step = 1 % ip_span
        self.port_step = 1 % port_span if ip_span == 1 else 0
        # One step back from the minimum (TRex's peek_prev with its carry).
        of = self.ip_step > 0
        self.ip = _dec_mod(self.ip_lo, self.ip_hi, self.ip_lo, self.ip_step)
        self.port = _dec_mod(self.port_lo, self.port_hi, self.port_lo,
                             (self.port_step + of) % port_span)
        self.flow_id = 0
        natural = ip_span * port_span
        self.period = (natural if not self.limit or self.limit % natural == 0
                       else self.limit)

    def advance(self) -> None:
        of = self.ip_step > self.ip_hi - self.ip
        self.ip = _inc_mod(self.ip_lo, self.ip_hi, self.ip, self.ip_step)
        self.port = _inc_mod(self.port_lo, self.port_hi, self.port, self.port_step)
        if of:
            self.port = _inc_mod(self.port_lo, self.port_hi, self.port, 1)
        if self.limit:
            self.flow_id += 1
            if self.flow_id > self.limit:
                self.flow_id, self.ip, self.port = 1, self.ip_lo, self.port_lo

    def part(self, field: str) -> _Var:
        """The variable ``NAME.ip`` (4 bytes), ``NAME.port`` (2) or ``NAME.flow_limit``
        (4: the flow's number), as TRex names the tuple's fields."""
        return _TuplePart(self, field)


class _TuplePart(_Var):
    """One field of a tuple variable, as a variable that writes can read."""

    _FIELD_SIZES = {"ip": 4, "port": 2, "flow_limit": 4}
    _ATTRS = {"ip": "ip", "port": "port", "flow_limit": "flow_id"}

    def __init__(self, tup: _TupleVar, field: str):
        self.tup, self.attr, self.size = tup, self._ATTRS[field], self._FIELD_SIZES[field]

    @property
    def value(self) -> int:  # type: ignore[override]
        return getattr(self.tup, self.attr)


def _pad_range(ins: dict) -> dict:
    """TRex's server pads a range whose length is not a multiple of the step, so that the
    counter cycles: an inc variable's maximum grows (a dec variable's minimum shrinks) by
    step − (length mod step) (handle_range_padding, trex_stl_rpc_cmds.cpp)."""
    if ins.get("value_list") or ins["op"] not in ("inc", "dec"):
        return ins
    lo, hi, step = ins["min_value"], ins["max_value"], ins.get("step", 1)
    pad = (hi - lo + 1) % step
    if pad == 0:
        return ins
    if ins["op"] == "inc":
        hi += step - pad
    else:
        lo -= step - pad
    if lo < 0 or hi >= 1 << (8 * ins["size"]):
        raise ExtbenchError(f"flow_var '{ins['name']}': padding its range to a multiple of "
                            f"the step {step} leaves the {ins['size']}-byte variable (TRex "
                            f"could not pad it either)")
    return {**ins, "min_value": lo, "max_value": hi}


def _ones_complement(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def _fix_ipv4(pkt: bytearray, off: int) -> None:
    if off + 12 > len(pkt):
        return  # A packet cut short of the checksum field (as the dpdk engine does).
    ihl = (pkt[off] & 0x0F) * 4 if pkt[off] != 0x45 else 20
    pkt[off + 10:off + 12] = b"\0\0"
    pkt[off + 10:off + 12] = (~_ones_complement(bytes(pkt[off:off + ihl])) & 0xFFFF).to_bytes(
        2, "big")


def _l4_checksum(pkt: bytearray, at: int, pseudo_addrs: bytes, proto: int, l4: int,
                 length: int, zero_is_ffff: bool) -> None:
    """Write at 'at' the checksum of the L4 message at 'l4' ('length' bytes) with the
    pseudo header of 'pseudo_addrs' (source and destination) and 'proto'. A packet cut
    short of the checksum field, or whose length fields leave no message, is left as is
    (the dpdk engine's run-time field engine does the same)."""
    if length < 0 or at + 2 > len(pkt):
        return
    pkt[at:at + 2] = b"\0\0"
    if len(pseudo_addrs) == 8:
        pseudo = pseudo_addrs + bytes([0, proto]) + length.to_bytes(2, "big")
    else:
        pseudo = pseudo_addrs + length.to_bytes(4, "big") + bytes([0, 0, 0, proto])
    csum = ~_ones_complement(pseudo + bytes(pkt[l4:l4 + length])) & 0xFFFF
    if zero_is_ffff and csum == 0:
        csum = 0xFFFF
    pkt[at:at + 2] = csum.to_bytes(2, "big")


def _fix_hw(pkt: bytearray, l3: int, l3_len: int, l4_type: int) -> None:
    """The checksums a NIC's offload computes for ``fix_checksum_hw``."""
    version = pkt[l3] >> 4
    if version == 4:
        proto = pkt[l3 + 9]
        ihl = (pkt[l3] & 0x0F) * 4
        _fix_ipv4(pkt, l3)
        if proto not in (6, 17) or l4_type == _HW_L4_IP:
            return
        l4 = l3 + ihl
        length = min(int.from_bytes(pkt[l3 + 2:l3 + 4], "big"), len(pkt) - l3) - ihl
        _l4_checksum(pkt, l4 + (16 if proto == 6 else 6), bytes(pkt[l3 + 12:l3 + 20]),
                     proto, l4, length, proto == 17)
    elif version == 6:
        proto = 6 if l4_type == _HW_L4_TCP else 17
        l4 = l3 + l3_len
        length = min(int.from_bytes(pkt[l3 + 4:l3 + 6], "big") + 40, len(pkt) - l3) - l3_len
        _l4_checksum(pkt, l4 + (16 if proto == 6 else 6), bytes(pkt[l3 + 8:l3 + 40]),
                     proto, l4, length, True)
    else:
        raise ExtbenchError("fix_checksum_hw on a packet that is neither IPv4 nor IPv6")


def _fix_icmpv6(pkt: bytearray, l3: int, l3_len: int) -> None:
    l4 = l3 + l3_len
    length = int.from_bytes(pkt[l3 + 4:l3 + 6], "big") - (l3_len - 40)
    _l4_checksum(pkt, l4 + 2, bytes(pkt[l3 + 8:l3 + 40]), 58, l4, length, False)


Step = Callable[[bytearray], None]


class Program:
    """A stream's field-engine program, compiled for running packet by packet."""

    def __init__(self, packet_len: int, instructions: list[dict], vm: dict | None = None,
                 random_seed: int = 0):
        self.packet_len = packet_len
        vm = dict(vm or {})
        self.cache = vm.pop("cache", None)
        vm.pop("split_by_var", None)  # Splitting across cores; the engines use one.
        if vm:
            raise _unsupported(f"program option '{next(iter(vm))}'")
        self.rand = _Rand((random_seed or DEFAULT_SEED) * _CORE0_SEED_FACTOR)
        self.vars: dict[str, _Var] = {}
        self.trim: _Var | None = None
        self.hw_fixes: list[tuple[int, int, int]] = []
        # Variables in program order: (position in the program, instruction, variable).
        self._defined: list[tuple[int, dict, _Var]] = []
        self._trimmed = {ins.get("name") for ins in instructions
                         if ins.get("type") == "trim_pkt_size"}
        self.steps: list[Step] = []
        # The program as data, in program order, for the dpdk engine's run-time field
        # engine (``fecode``): ("define", var), ("write", var, offset, add, big-endian),
        # ("mask", var, offset, cast, mask, shift, add, big-endian, high half),
        # ("ipv4", offset), ("icmpv6", l3, l3_len).
        self.code: list[tuple] = []
        for self._pos, ins in enumerate(instructions):
            self.steps.append(self._compile(ins))
        self._chain(instructions)

    def _compile(self, ins: dict) -> Step:
        kind = ins.get("type")
        if kind in ("flow_var", "flow_var_rand_limit", "tuple_flow_var"):
            return self._define(ins)
        if kind == "write_flow_var":
            return self._write(ins)
        if kind == "write_mask_flow_var":
            return self._write_mask(ins)
        if kind == "trim_pkt_size":
            self.trim = self._var(ins)  # Checked by _trim_fixups when it was defined.
            return lambda pkt: None
        if kind == "fix_checksum_ipv4":
            off = ins["pkt_offset"]
            self._within(ins, off + 20)
            self.code.append(("ipv4", off))
            return lambda pkt: _fix_ipv4(pkt, off)
        if kind == "fix_checksum_icmpv6":
            l3, l3_len = ins["l2_len"], ins["l3_len"]
            self._within(ins, l3 + l3_len + 4)
            self.code.append(("icmpv6", l3, l3_len))
            return lambda pkt: _fix_icmpv6(pkt, l3, l3_len)
        if kind == "fix_checksum_hw":
            l3, l3_len, l4_type = ins["l2_len"], ins["l3_len"], ins.get("l4_type", _HW_L4_UDP)
            self._within(ins, l3 + l3_len + (8 if l4_type != _HW_L4_IP else 0))
            # The NIC computes them as the packet leaves: after trimming.
            self.hw_fixes.append((l3, l3_len, l4_type))
            return lambda pkt: None
        raise _unsupported(f"'{kind}'")

    def _define(self, ins: dict) -> Step:
        kind, name = ins["type"], ins["name"]
        if kind == "tuple_flow_var":
            var: _Var = _TupleVar(ins)
            names = [f"{name}.{f}" for f in ("ip", "port", "flow_limit")]
        else:
            if ins["size"] not in _SIZES:
                raise ExtbenchError(f"{kind} '{name}': size {ins['size']} not in {_SIZES}")
            if kind == "flow_var":
                ins = _pad_range(ins)
            if name in self._trimmed:
                ins = self._trim_fixups(ins)
            var = _FlowVar(ins, self.rand) if kind == "flow_var" else _RandLimitVar(ins)
            names = [name]
        for n in names:
            if n in self.vars:
                raise ExtbenchError(f"{kind} '{n}' defined twice")
        if isinstance(var, _TupleVar):
            self.vars.update({n: var.part(n.rsplit(".", 1)[1]) for n in names})
        else:
            self.vars[name] = var
        self._defined.append((self._pos, ins, var))
        self.code.append(("define", var))

        def step(pkt: bytearray) -> None:
            prev = var.prev
            if prev is not None and not (prev.ran and prev.carry):
                var.ran = False
                return
            var.advance()
            var.ran = True
        return step

    def _trim_fixups(self, ins: dict) -> dict:
        """TRex's fix-ups of the variable that trim_pkt_size reads."""
        name, ins = ins["name"], dict(ins)
        if ins["type"] != "flow_var" or ins["size"] != 2:
            raise ExtbenchError(f"trim_pkt_size '{name}' needs a flow_var of size 2")
        if ins.get("value_list"):
            bad = [v for v in ins["value_list"] if not MIN_TRIM <= v <= self.packet_len]
            if bad:
                raise ExtbenchError(f"trim_pkt_size '{name}': size {bad[0]} not in "
                                    f"{MIN_TRIM}..{self.packet_len} (the template's length)")
            return ins
        lo = min(ins["min_value"], self.packet_len)
        hi = min(ins["max_value"], self.packet_len)
        if lo >= hi:
            raise ExtbenchError(f"trim_pkt_size '{name}': minimum size {lo} is not below "
                                f"the maximum {hi}")
        lo = max(lo, MIN_TRIM)
        init = ins.get("init_value", lo)
        if ins["op"] != "random" and (init is None or not lo <= init <= hi):
            raise ExtbenchError(f"trim_pkt_size '{name}': initial size {init} not in "
                                f"{lo}..{hi}")
        ins.update(min_value=lo, max_value=hi)
        return ins

    def _chain(self, instructions: list[dict]) -> None:
        """Link each ``next_var`` to the variable right after it, as TRex requires."""
        defined = self._defined
        for i, (pos, ins, var) in enumerate(defined):
            nxt = ins.get("next_var")
            if not nxt:
                continue
            if ins["type"] == "flow_var" and ins["op"] == "random":
                raise ExtbenchError(f"flow_var '{ins['name']}': a random variable cannot "
                                    f"have a next_var")
            after = instructions[pos + 1] if pos + 1 < len(instructions) else {}
            if after.get("name") != nxt or after.get("type") not in ("flow_var",
                                                                     "flow_var_rand_limit"):
                raise ExtbenchError(f"{ins['type']} '{ins['name']}': next_var '{nxt}' must "
                                    f"be the variable defined right after it (as TRex "
                                    f"requires)")
            defined[i + 1][2].prev = var

    def _within(self, ins: dict, end: int) -> None:
        if end > self.packet_len:
            raise ExtbenchError(f"{ins['type']} at offset {ins.get('pkt_offset', '?')} "
                                f"reaches byte {end}, past the {self.packet_len}-byte packet")

    def _var(self, ins: dict) -> _Var:
        if ins["name"] not in self.vars:
            raise ExtbenchError(f"{ins['type']} uses variable '{ins['name']}', which no "
                                f"earlier flow_var defines")
        return self.vars[ins["name"]]

    def _write(self, ins: dict) -> Step:
        var = self._var(ins)
        off, add, big = ins["pkt_offset"], ins.get("add_value", 0), ins["is_big_endian"]
        size = var.size
        self._within(ins, off + size)
        mod = 1 << (8 * size)
        order = "big" if big else "little"
        self.code.append(("write", var, off, add, bool(big)))

        def write(pkt: bytearray) -> None:
            pkt[off:off + size] = ((var.value + add) % mod).to_bytes(size, order)
        return write

    def _write_mask(self, ins: dict) -> Step:
        var = self._var(ins)
        off, cast, mask = ins["pkt_offset"], ins["pkt_cast_size"], ins["mask"]
        shift, add = ins["shift"], ins.get("add_value", 0)
        order = "big" if ins["is_big_endian"] else "little"
        if cast not in (1, 2, 4):
            raise ExtbenchError(f"write_mask_flow_var '{ins['name']}': pkt_cast_size {cast} "
                                f"not in (1, 2, 4)")
        self._within(ins, off + cast)
        # TRex reads at most 32 bits of the variable: of an 8-byte one in big-endian mode
        # the bytes 4..7 of its (little-endian) memory, i.e. its high half.
        high = var.size == 8 and order == "big"
        self.code.append(("mask", var, off, cast, mask, shift, add, order == "big", high))

        def write_mask(pkt: bytearray) -> None:
            v = (var.value >> 32 if high else var.value) & 0xFFFFFFFF
            val = (v + add) & 0xFFFFFFFF
            val = (val << shift) & 0xFFFFFFFF if shift > 0 else val >> -shift
            cur = int.from_bytes(pkt[off:off + cast], order)
            new = ((cur & ~mask) | (val & mask)) & ((1 << (8 * cast)) - 1)
            pkt[off:off + cast] = new.to_bytes(cast, order)
        return write_mask

    def run(self, template: bytes) -> bytes:
        """The next packet: the template after one run of the program."""
        pkt = bytearray(template)
        for step in self.steps:
            step(pkt)
        if self.trim is not None:
            del pkt[self.trim.value:]
        for l3, l3_len, l4_type in self.hw_fixes:
            _fix_hw(pkt, l3, l3_len, l4_type)
        return bytes(pkt)

    def exact_period(self) -> int | None:
        """Packets until the program's state repeats; None if it has a random variable."""
        if self.cache:
            return int(self.cache)
        cycle = 1
        for _, _, var in self._defined:
            if var.prev is not None:
                continue
            p, w = var.period, var.wraps
            nxt = self._next_of(var)
            while nxt is not None and p is not None:
                if nxt.period is None:
                    p = None
                    break
                k = nxt.period // math.gcd(w, nxt.period)
                p, w = p * k, (w * k // nxt.period) * nxt.wraps
                nxt = self._next_of(nxt)
            if p is None:
                return None
            cycle = math.lcm(cycle, p)
        return cycle

    def random_values(self) -> int:
        """How many combinations of values the program's random variables can draw (1 if
        it has none): more than its window (``period``) means a replayed window repeats
        only some of them."""
        n = 1
        for _, _, var in self._defined:
            if isinstance(var, _FlowVar) and var.op == "random":
                n *= len(var.values) if var.values is not None else var.hi - var.lo + 1
        return n

    def _next_of(self, var: _Var) -> _Var | None:
        return next((v for _, _, v in self._defined if v.prev is var), None)

    def period(self) -> int:
        """How many packets the program sends before its sequence repeats (or is replayed)."""
        exact = self.exact_period()
        if exact is not None:
            return exact
        cycle = 1
        for _, _, var in self._defined:
            if var.period is not None and var.prev is None:
                cycle = math.lcm(cycle, var.period)
        return cycle * -(-RANDOM_WINDOW // cycle)


def expand(packet: bytes, instructions: list[dict], vm: dict | None = None,
           random_seed: int = 0, max_packets: int = MAX_PACKETS) -> list[bytes]:
    """The packets a TRex core sends for this stream, one period of them, in order.

    packet: the template (bytes, without FCS)
    instructions, vm: the field-engine program (as in STLStream.to_json()['vm'])
    max_packets: refuse programs whose period is longer (packets)
    """
    if not instructions:
        return [bytes(packet)]
    prog = Program(len(packet), instructions, vm, random_seed)
    n = prog.period()
    if n > max_packets:
        raise ExtbenchError(f"the field-engine program repeats after {n} packets; the local "
                            f"engine sends at most {max_packets} distinct packets per stream")
    return [prog.run(packet) for _ in range(n)]
