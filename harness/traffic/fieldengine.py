"""TRex's field engine, reproduced: expand a stream into the packets a TRex server sends.

A TRex server sends each packet as a fresh copy of the stream's template on which the
field-engine program has run: flow variables advance once per packet, writes copy them
into the packet, checksums are fixed. ``expand`` runs the same program, with the same
arithmetic as TRex's data path (src/stx/stl/trex_stl_stream_vm.h: ``inc_mod``/``dec_mod``
wrap-around, ``fastrand``, the variables' values before the first packet), over one
period of the program, after which the sequence repeats. It models one TRex core (TRex
splits variables' ranges across cores; the local engine sends from one). Supported:
``flow_var`` (inc, dec, random; ranges and value lists), ``flow_var_rand_limit``,
``write_flow_var``, ``write_mask_flow_var`` (big endian), ``fix_checksum_ipv4``,
``fix_checksum_hw`` (IPv4 with TCP/UDP: computed in software) and the program's ``cache``.
Anything else raises ExtbenchError naming it. A ``random`` variable has no period: the
engine replays a window of at least ``RANDOM_WINDOW`` packets, and seeds TRex's generator
with the stream's ``random_seed`` (TRex seeds it with ``rand()`` when there is none, so
no run can match its values anyway).
"""

import math
from collections.abc import Callable

from harness.errors import ExtbenchError

# Most distinct packets one stream may expand to (the sender preloads them all in memory).
MAX_PACKETS = 1_048_576
RANDOM_WINDOW = 4_096
DEFAULT_SEED = 1
_SIZES = (1, 2, 4, 8)


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


def _inc_mod(lo: int, hi: int, cur: int, step: int) -> int:
    return cur + step if step <= hi - cur else lo + (step - (hi - cur) - 1)


def _dec_mod(lo: int, hi: int, cur: int, step: int) -> int:
    return cur - step if step <= cur - lo else hi - (step - (cur - lo) - 1)


def _unsupported(what: str) -> ExtbenchError:
    return ExtbenchError(f"field-engine instruction {what} is not supported by the local "
                         f"engine")


class _FlowVar:
    """A ``flow_var``: inc/dec over a range or a value list, or random."""

    def __init__(self, ins: dict, rand: _Rand):
        self.size, self.op, self.rand = ins["size"], ins["op"], rand
        if ins.get("next_var"):
            raise _unsupported(f"flow_var '{ins['name']}' with next_var "
                               f"'{ins['next_var']}'")
        if self.op not in ("inc", "dec", "random"):
            raise _unsupported(f"flow_var '{ins['name']}' with op '{self.op}'")
        self.values = ins.get("value_list")
        if self.values:
            self.lo, self.hi = 0, len(self.values) - 1
            init = 0 if self.op == "inc" else self.hi
        else:
            self.values = None
            self.lo, self.hi = ins["min_value"], ins["max_value"]
            init = ins.get("init_value", self.lo)
        span = self.hi - self.lo + 1
        self.step = ins.get("step", 1) % span
        if self.op == "random":
            self.value = init
            self.period = None
        else:
            # Before the first packet a variable holds the value one step before its
            # initial value (for a value list: the index, as TRex's bss does).
            back = _dec_mod if self.op == "inc" else _inc_mod
            self.index = init
            self.value = back(self.lo, self.hi, init, self.step)
            self.period = span // math.gcd(self.step, span) if self.step else 1

    def advance(self) -> None:
        if self.op == "random":
            span = self.hi - self.lo + 1
            if self.values is not None:
                self.value = self.values[self.rand.r16() % span]
            elif span == 1 << 64:
                self.value = self.rand.r64()
            else:
                self.value = self.lo + self.rand.sized(self.size) % span
        elif self.values is not None:
            self.value = self.values[self.index]
            move = _inc_mod if self.op == "inc" else _dec_mod
            self.index = move(self.lo, self.hi, self.index, self.step)
        else:
            move = _inc_mod if self.op == "inc" else _dec_mod
            self.value = move(self.lo, self.hi, self.value, self.step)


class _RandLimitVar:
    """A ``flow_var_rand_limit``: a random sequence that restarts every 'limit' packets."""

    def __init__(self, ins: dict):
        if ins.get("next_var"):
            raise _unsupported(f"flow_var_rand_limit '{ins['name']}' with next_var")
        self.size, self.limit, self.seed0 = ins["size"], ins["limit"], ins["seed"]
        self.lo, self.hi = ins["min_value"], ins["max_value"]
        if self.limit < 1:
            raise ExtbenchError(f"flow_var_rand_limit '{ins['name']}': limit must be ≥ 1")
        self.rand, self.count, self.value = _Rand(self.seed0), 0, 0
        self.period = self.limit

    def advance(self) -> None:
        if self.count == self.limit:
            self.rand, self.count = _Rand(self.seed0), 0
        span = self.hi - self.lo + 1
        if span == 1 << 64:
            self.value = self.rand.r64()
        else:
            self.value = self.lo + self.rand.sized(self.size) % span
        self.count += 1


def _ones_complement(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def _fix_ipv4(pkt: bytearray, off: int) -> None:
    ihl = (pkt[off] & 0x0F) * 4 if pkt[off] != 0x45 else 20
    pkt[off + 10:off + 12] = b"\0\0"
    pkt[off + 10:off + 12] = (~_ones_complement(bytes(pkt[off:off + ihl])) & 0xFFFF).to_bytes(
        2, "big")


def _fix_l4(pkt: bytearray, l3: int, l4: int) -> None:
    """The TCP or UDP checksum (with the IPv4 pseudo header) a NIC's offload computes."""
    proto = pkt[l3 + 9]
    if proto not in (6, 17):
        return
    length = int.from_bytes(pkt[l3 + 2:l3 + 4], "big") - (l4 - l3)
    at = l4 + (16 if proto == 6 else 6)
    pkt[at:at + 2] = b"\0\0"
    pseudo = bytes(pkt[l3 + 12:l3 + 20]) + bytes([0, proto]) + length.to_bytes(2, "big")
    csum = ~_ones_complement(pseudo + bytes(pkt[l4:l4 + length])) & 0xFFFF
    if proto == 17 and csum == 0:
        csum = 0xFFFF
    pkt[at:at + 2] = csum.to_bytes(2, "big")


class Program:
    """A stream's field-engine program, compiled for running packet by packet."""

    def __init__(self, packet_len: int, instructions: list[dict], vm: dict | None = None,
                 random_seed: int = 0):
        self.packet_len = packet_len
        vm = dict(vm or {})
        self.cache = vm.pop("cache", None)
        vm.pop("split_by_var", None)  # Splitting across cores; the local engine uses one.
        if vm:
            raise _unsupported(f"program option '{next(iter(vm))}'")
        self.rand = _Rand(random_seed or DEFAULT_SEED)
        self.vars: dict[str, _FlowVar | _RandLimitVar] = {}
        self.steps: list[Callable[[bytearray], None]] = []
        for ins in instructions:
            self.steps.append(self._compile(ins))

    def _compile(self, ins: dict) -> Callable[[bytearray], None]:
        kind = ins.get("type")
        if kind in ("flow_var", "flow_var_rand_limit"):
            if ins["size"] not in _SIZES:
                raise ExtbenchError(f"{kind} '{ins['name']}': size {ins['size']} not in "
                                    f"{_SIZES}")
            if ins["name"] in self.vars:
                raise ExtbenchError(f"{kind} '{ins['name']}' defined twice")
            var = _FlowVar(ins, self.rand) if kind == "flow_var" else _RandLimitVar(ins)
            self.vars[ins["name"]] = var
            return lambda pkt: var.advance()
        if kind == "write_flow_var":
            var = self._var(ins)
            off, add, big = ins["pkt_offset"], ins.get("add_value", 0), ins["is_big_endian"]
            size = var.size
            self._within(ins, off + size)
            mod = 1 << (8 * size)
            order = "big" if big else "little"

            def write(pkt: bytearray) -> None:
                pkt[off:off + size] = ((var.value + add) % mod).to_bytes(size, order)
            return write
        if kind == "write_mask_flow_var":
            return self._write_mask(ins)
        if kind == "fix_checksum_ipv4":
            off = ins["pkt_offset"]
            self._within(ins, off + 20)
            return lambda pkt: _fix_ipv4(pkt, off)
        if kind == "fix_checksum_hw":
            l3, l4 = ins["l2_len"], ins["l2_len"] + ins["l3_len"]
            self._within(ins, l4 + 8)

            def fix_hw(pkt: bytearray) -> None:
                if pkt[l3] >> 4 != 4:
                    raise _unsupported("fix_checksum_hw on a packet that is not IPv4")
                _fix_ipv4(pkt, l3)
                _fix_l4(pkt, l3, l4)
            return fix_hw
        raise _unsupported(f"'{kind}'")

    def _within(self, ins: dict, end: int) -> None:
        if end > self.packet_len:
            raise ExtbenchError(f"{ins['type']} at offset {ins.get('pkt_offset', '?')} "
                                f"reaches byte {end}, past the {self.packet_len}-byte packet")

    def _var(self, ins: dict):
        if ins["name"] not in self.vars:
            raise ExtbenchError(f"{ins['type']} writes variable '{ins['name']}', which no "
                                f"earlier flow_var defines")
        return self.vars[ins["name"]]

    def _write_mask(self, ins: dict) -> Callable[[bytearray], None]:
        if not ins["is_big_endian"]:
            raise _unsupported("write_mask_flow_var with is_big_endian false")
        var = self._var(ins)
        off, cast, mask = ins["pkt_offset"], ins["pkt_cast_size"], ins["mask"]
        shift, add = ins["shift"], ins.get("add_value", 0)
        if cast not in (1, 2, 4):
            raise ExtbenchError(f"write_mask_flow_var '{ins['name']}': pkt_cast_size {cast} "
                                f"not in (1, 2, 4)")
        self._within(ins, off + cast)

        def write_mask(pkt: bytearray) -> None:
            # TRex reads at most the low 32 bits of the variable and computes in uint32.
            val = ((var.value & 0xFFFFFFFF) + add) & 0xFFFFFFFF
            val = (val << shift) & 0xFFFFFFFF if shift > 0 else val >> -shift
            cur = int.from_bytes(pkt[off:off + cast], "big")
            new = ((cur & ~mask) | (val & mask)) & ((1 << (8 * cast)) - 1)
            pkt[off:off + cast] = new.to_bytes(cast, "big")
        return write_mask

    def period(self) -> int:
        """How many packets the program sends before its sequence repeats (or is replayed)."""
        if self.cache:
            return int(self.cache)
        periods = [v.period for v in self.vars.values()]
        cycle = math.lcm(*[p for p in periods if p is not None]) if periods else 1
        if any(p is None for p in periods) and cycle < RANDOM_WINDOW:
            cycle *= -(-RANDOM_WINDOW // cycle)
        return cycle


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
    out = []
    for _ in range(n):
        pkt = bytearray(packet)
        for step in prog.steps:
            step(pkt)
        out.append(bytes(pkt))
    return out
