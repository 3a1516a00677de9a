"""The field engine as the dpdk engine runs it: a stream's program, compiled for engine.c.

A TRex core runs a stream's field-engine program on a fresh copy of the template for each
packet it sends, so a stream can send any number of distinct packets. The dpdk engine does
the same (its *run-time field engine*): ``encode`` turns a ``fieldengine.Program`` (the
program as the Python field engine compiled it, with its variables' initial state) into a
compact list of instructions that ``harness/dpdk/engine.c`` executes per packet on the
template, with the same arithmetic as ``fieldengine``: flow variables (inc, dec, random;
ranges and value lists; steps; ``next_var`` chains), ``flow_var_rand_limit``,
``tuple_flow_var``, ``write_flow_var``, ``write_mask_flow_var``, ``trim_pkt_size``,
``fix_checksum_ipv4``, ``fix_checksum_icmpv6``, ``fix_checksum_hw`` and the program's
``cache``. Random values come from TRex's generator (fastrand) seeded as ``fieldengine``
seeds it, so the engine's packets are byte-identical to ``fieldengine.Program.run``'s,
packet after packet, for ever (``tests/integration/test_dpdk_fieldengine.py``).

The layout (little endian; ``engine.c``'s ``read_programs``): "XBFE", u32 number of
programs, then per program a header (``_PROGRAM``), the template, the variables
(``_VAR``: kind, size, the variable whose wrap-arounds advance it or -1, its value list's
place in the program's value pool, and ten u64 fields of parameters and state), the
operations (``_OP``), the hardware-checksum fixes (``_HW``) and the value pool (u64 each).
"""

import struct
from typing import NamedTuple

from harness.errors import ExtbenchError
from harness.traffic import fieldengine as fe

MAGIC = b"XBFE"
#: Variable kinds (engine.c's FE_INC …).
INC, DEC, RANDOM, LIST_INC, LIST_DEC, LIST_RANDOM, RAND_LIMIT, TUPLE = range(8)
#: Operations in program order (engine.c's OP_DEFINE …).
DEFINE, WRITE, WRITE_MASK, FIX_IPV4, FIX_ICMPV6 = range(1, 6)
#: Where a variable keeps the value a write reads (its field index): a flow variable's
#: value; a tuple's address, port and flow number.
_VALUE, _TUPLE_IP, _TUPLE_PORT, _TUPLE_FLOW = 3, 7, 8, 9
#: Most variables, operations and template bytes engine.c takes per program (the last:
#: its MAX_PKT_LEN, the longest packet it sends: a 9216-byte MTU and headers).
MAX_VARS, MAX_OPS, MAX_TEMPLATE = 256, 1024, 9728

# tlen, n_vars, n_ops, n_hw, trim var (-1: none), rand state, cache, n_values
_PROGRAM = struct.Struct("<HHHHhxxIII")
# kind, size, prev, values offset, values count, a[10]
_VAR = struct.Struct("<BBhII10Q")
# code, size (or cast), big-endian, field, var, offset, aux (l3_len), flags (1: high half),
# add, mask, shift
_OP = struct.Struct("<BBBBHHHHqIi")
# l3, l3_len, l4_type
_HW = struct.Struct("<HHBx")
_U64 = (1 << 64) - 1


def _fields(var: fe._Var, pool: list[int]) -> tuple[int, int, int, list[int]]:
    """(kind, values offset, values count, ten u64 fields) of a variable's state."""
    if isinstance(var, fe._TupleVar):
        return TUPLE, 0, 0, [var.ip_lo, var.ip_hi, var.port_lo, var.port_hi, var.ip_step,
                             var.port_step, var.limit, var.ip, var.port, var.flow_id]
    if isinstance(var, fe._RandLimitVar):
        return RAND_LIMIT, 0, 0, [var.lo, var.hi, var.limit, var.value, var.seed0 & 0xFFFFFFFF,
                                  var.count, var.rand.seed, 0, 0, 0]
    assert isinstance(var, fe._FlowVar)
    if var.values is not None:
        kind = {"inc": LIST_INC, "dec": LIST_DEC, "random": LIST_RANDOM}[var.op]
        off = len(pool)
        pool.extend(var.values)
        return kind, off, len(var.values), [var.lo, var.hi, var.step, var.value,
                                            getattr(var, "index", 0), 0, 0, 0, 0, 0]
    kind = {"inc": INC, "dec": DEC, "random": RANDOM}[var.op]
    return kind, 0, 0, [var.lo, var.hi, var.step, var.value, 0, 0, 0, 0, 0, 0]


def encode(prog: fe.Program, template: bytes) -> bytes:
    """The program for engine.c: run per packet on 'template' (its packets are
    ``prog.run(template)``'s, in order). 'prog' must not have run yet (its state is the
    initial state)."""
    if len(template) != prog.packet_len:
        raise ExtbenchError(f"field engine: a {len(template)}-byte template for a program "
                            f"compiled for {prog.packet_len} bytes")
    if len(template) > MAX_TEMPLATE:
        raise ExtbenchError(f"field engine: {len(template)}-byte template; the dpdk engine "
                            f"runs programs on templates of at most {MAX_TEMPLATE} bytes")
    # Variables by identity (a tuple's parts are one variable with three fields).
    owners: list[fe._Var] = [op[1] for op in prog.code if op[0] == "define"]
    index = {id(v): i for i, v in enumerate(owners)}

    def field(var: fe._Var) -> tuple[int, int]:
        if isinstance(var, fe._TuplePart):
            return index[id(var.tup)], {"ip": _TUPLE_IP, "port": _TUPLE_PORT,
                                        "flow_id": _TUPLE_FLOW}[var.attr]
        return index[id(var)], _VALUE

    pool: list[int] = []
    vars_ = []
    for v in owners:
        kind, off, n, a = _fields(v, pool)
        prev = index[id(v.prev)] if v.prev is not None else -1
        vars_.append(_VAR.pack(kind, v.size if kind != TUPLE else 4, prev, off, n,
                               *(x & _U64 for x in a)))
    ops = []
    for op in prog.code:
        kind = op[0]
        if kind == "define":
            ops.append(_OP.pack(DEFINE, 0, 0, 0, index[id(op[1])], 0, 0, 0, 0, 0, 0))
        elif kind == "write":
            _, var, off, add, big = op
            i, f = field(var)
            ops.append(_OP.pack(WRITE, var.size, big, f, i, off, 0, 0, _wrap(add), 0, 0))
        elif kind == "mask":
            _, var, off, cast, mask, shift, add, big, high = op
            i, f = field(var)
            ops.append(_OP.pack(WRITE_MASK, cast, big, f, i, off, 0, high, _wrap(add),
                                mask & 0xFFFFFFFF, max(-64, min(64, shift))))
        elif kind == "ipv4":
            ops.append(_OP.pack(FIX_IPV4, 0, 0, 0, 0, op[1], 0, 0, 0, 0, 0))
        elif kind == "icmpv6":
            ops.append(_OP.pack(FIX_ICMPV6, 0, 0, 0, 0, op[1], op[2], 0, 0, 0, 0))
        else:
            raise ExtbenchError(f"field engine: operation '{kind}' has no run-time form")
    if len(vars_) > MAX_VARS or len(ops) > MAX_OPS:
        raise ExtbenchError(f"field engine: {len(vars_)} variables and {len(ops)} operations;"
                            f" the dpdk engine runs at most {MAX_VARS} and {MAX_OPS}")
    trim = index[id(prog.trim)] if prog.trim is not None else -1
    hw = [_HW.pack(l3, l3_len, l4) for l3, l3_len, l4 in prog.hw_fixes]
    head = _PROGRAM.pack(len(template), len(vars_), len(ops), len(hw), trim, prog.rand.seed,
                         int(prog.cache or 0), len(pool))
    return b"".join([head, bytes(template), *vars_, *ops, *hw,
                     *(struct.pack("<Q", x & _U64) for x in pool)])


def _wrap(add: int) -> int:
    """An add_value as the signed 64-bit number whose wrap-around engine.c adds."""
    add &= _U64
    return add - (1 << 64) if add >> 63 else add


def section(programs: list[bytes]) -> bytes:
    """The programs' section of a packet file (before its "XBPK" or "XBPT" part)."""
    return MAGIC + struct.pack("<I", len(programs)) + b"".join(programs)


class Run(NamedTuple):
    """A slot of the engine's loop whose packet program 'program' (an index into the
    loaded programs) makes as it is sent; 'template' is the program's template."""

    program: int
    template: bytes
