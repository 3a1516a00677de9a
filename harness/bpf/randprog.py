"""Random XDP programs for differential tests of the BPF executors (interpreter, JIT, kernel).

A program loads the packet's first words into its work registers after one bounds check
(the packet must hold 120 bytes, or it returns 0), computes on them with random ALU64 and
ALU32 operations, byte swaps, 64-bit immediates, loads and stores of 1 to 8 bytes on the
stack and on the packet (at constant and at checked variable offsets), atomic operations on
the stack (with and without fetch, xchg, cmpxchg) and forward jumps of both widths, then
stores its work registers at bytes [64, 120) and returns r0. It calls no helper and uses no
map, so its results depend only on the packet. ``tests/integration/test_runtime_diff.py``
keeps a simpler generator; ``benchmarks/jit_equivalence.py`` runs thousands of these.
"""

import random
from pathlib import Path

from harness.bpf.kernel import KernelProgram
from harness.bpf.ovs import JIT_MODES, OvstestProgram
from harness.errors import ExtbenchError
from harness.proc import run_checked

WORK = [0, 2, 3, 4, 5, 8, 9]
"""Work registers: r6 holds data, r7 data_end, r1 is a temporary, r10 the frame pointer."""
ALU_OPS = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0]
JMP_OPS = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0]
ATOMIC_OPS = [0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1]
"""add, or, and, xor; the same with fetch; xchg; cmpxchg."""
SIZES = {1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18}
"""Access size in bytes -> the size bits of a load or store opcode."""
EDGE = [0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
        0x100000000, 0x7fffffffffffffff, 0x8000000000000000, 0xfffffffffffffffd,
        0xffffffffffffffff]
STACK_BYTES = 64
"""Bytes below the frame pointer that the prologue initializes (reads stay within them)."""
PACKET_BYTES = 120
"""Bytes the program's bounds check requires."""


def insn(op: int, dst: int = 0, src: int = 0, off: int = 0, imm: int = 0) -> int:
    """One instruction as a 64-bit little-endian word."""
    return op | (dst | src << 4) << 8 | (off & 0xffff) << 16 | (imm & 0xffffffff) << 32


def _alu(rnd: random.Random, dst: int, src: int) -> list[int]:
    cls = rnd.choice([0x04, 0x07])
    op = rnd.choice(ALU_OPS)
    width = 32 if cls == 0x04 else 64
    if rnd.random() < 0.5:
        return [insn(cls | op | 0x08, dst, src)]
    imm = rnd.choice([0, 1, 3, 31, 32, -1, -3, 0x7fffffff, -0x80000000, rnd.getrandbits(31)])
    if op in (0x60, 0x70, 0xc0):
        imm = rnd.randrange(width)
    elif op in (0x30, 0x90) and imm == 0:
        imm = 5  # The verifiers reject division by a constant 0.
    return [insn(cls | op, dst, imm=imm)]


def _mem(rnd: random.Random, dst: int, src: int) -> list[int]:
    size = rnd.choice([1, 2, 4, 8])
    sz = SIZES[size]
    kind = rnd.random()
    if kind < 0.25:  # Stack load, naturally aligned, from the initialized bytes.
        off = -size * rnd.randint(1, STACK_BYTES // size)
        return [insn(0x61 | sz, dst, 10, off)]
    if kind < 0.45:  # Stack store of a register or an immediate.
        off = -size * rnd.randint(1, STACK_BYTES // size)
        if rnd.random() < 0.5:
            return [insn(0x63 | sz, 10, src, off)]
        return [insn(0x62 | sz, 10, 0, off, rnd.choice([0, -1, 0x7f, rnd.getrandbits(31)]))]
    if kind < 0.6:  # Packet load at a constant offset.
        return [insn(0x61 | sz, dst, 6, rnd.randrange(PACKET_BYTES - size + 1))]
    if kind < 0.7:  # Packet store at a constant offset.
        return [insn(0x63 | sz, 6, src, rnd.randrange(PACKET_BYTES - size + 1))]
    if kind < 0.85:  # Checked variable offset: dst &= 127; r1 = r6 + dst + size.
        load = rnd.random() < 0.5
        access = (insn(0x61 | sz, dst, 1, -size) if load else insn(0x63 | sz, 1, src, -size))
        return [insn(0x57, dst, imm=127), insn(0xbf, 1, 6), insn(0x0f, 1, dst),
                insn(0x07, 1, imm=size), insn(0x2d, 1, 7, off=1), access]
    # Atomic operation on an aligned stack slot.
    size = rnd.choice([4, 8])
    off = -size * rnd.randint(1, STACK_BYTES // size)
    return [insn(0xc3 | SIZES[size], 10, src, off, rnd.choice(ATOMIC_OPS))]


def random_body(rnd: random.Random, n: int) -> list[list[int]]:
    """'n' random operations, each a list of instruction words, with forward jumps."""
    body: list[list[int]] = []
    for _ in range(n):
        dst, src = rnd.choice(WORK), rnd.choice(WORK)
        kind = rnd.random()
        if kind < 0.06:
            imm = rnd.choice(EDGE + [rnd.getrandbits(64)])
            body.append([insn(0x18, dst, imm=imm & 0xffffffff), insn(0, imm=imm >> 32)])
        elif kind < 0.11:
            body.append([insn(0xd4 | rnd.choice([0, 8]), dst, imm=rnd.choice([16, 32, 64]))])
        elif kind < 0.14:
            body.append([insn(rnd.choice([0x84, 0x87]), dst)])
        elif kind < 0.45:
            body.append(_mem(rnd, dst, src))
        else:
            body.append(_alu(rnd, dst, src))
    return add_forward_jumps(rnd, body)


def add_forward_jumps(rnd: random.Random, body: list[list[int]]) -> list[list[int]]:
    """Give a fifth of the operations a forward jump over the next 1 to 4 operations;
    offsets count the slots of the skipped operations, their own jumps included."""
    jumps = {}
    for i in range(len(body) - 1):
        if rnd.random() < 0.2:
            skip = rnd.randint(1, min(4, len(body) - 1 - i))
            cls, op, dst = rnd.choice([0x05, 0x06]), rnd.choice(JMP_OPS), rnd.choice(WORK)
            if rnd.random() < 0.5:
                jumps[i] = (skip, cls | op | 0x08, dst, rnd.choice(WORK), 0)
            else:
                jumps[i] = (skip, cls | op, dst, 0,
                            rnd.choice([0, 1, -1, 0x7fffffff, rnd.getrandbits(31)]))
    sizes = [len(op) + (i in jumps) for i, op in enumerate(body)]
    for i, (skip, op, dst, src, imm) in jumps.items():
        body[i] = body[i] + [insn(op, dst, src, off=sum(sizes[i + 1:i + 1 + skip]), imm=imm)]
    return body


def random_program(seed: int, n_ops: int = 60) -> list[int]:
    """A complete XDP program around a random body of 'n_ops' operations: instruction words."""
    rnd = random.Random(seed)
    head = [insn(0x61, 6, 1, 0), insn(0x61, 7, 1, 4),              # r6 = data, r7 = data_end
            insn(0xbf, 2, 6), insn(0x07, 2, imm=PACKET_BYTES)]     # r2 = r6 + 120
    loads = [insn(0x79, r, 6, off=8 * i) for i, r in enumerate(WORK)]
    init = [insn(0x7b, 10, WORK[i % len(WORK)], off=-8 * (i + 1))
            for i in range(STACK_BYTES // 8)]
    body = [w for op in random_body(rnd, n_ops) for w in op]
    stores = [insn(0x7b, 6, r, off=64 + 8 * i) for i, r in enumerate(WORK)]
    tail = [insn(0x95)]
    abort = [insn(0xb7, 0, imm=0), insn(0x95)]
    check = [insn(0x2d, 2, 7, off=len(loads) + len(init) + len(body) + len(stores) + len(tail))]
    return head + check + loads + init + body + stores + tail + abort


def assemble(words: list[int], obj: Path) -> Path:
    """An ELF object with 'words' as its XDP program, assembled by clang."""
    src = obj.with_suffix(".s")
    lines = ['\t.section\txdp,"ax",@progbits', "\t.globl\tprog", "\t.type\tprog,@function",
             "prog:"] + [f"\t.8byte\t{w:#018x}" for w in words] + [
             ".Lend:", "\t.size\tprog, .Lend-prog", '\t.section\tlicense,"aw",@progbits',
             '\t.asciz\t"GPL"']
    src.write_text("\n".join(lines) + "\n")
    run_checked(["clang", "-target", "bpf", "-c", str(src), "-o", str(obj)])
    return obj


def operand_packets(rnd: random.Random, sizes: list[int]) -> list[bytes]:
    """One packet per size, its 8-byte words edge-case or random 64-bit operands."""
    pkts = []
    for size in sizes:
        words = [rnd.choice(EDGE + [rnd.getrandbits(64)]) for _ in range((size + 7) // 8)]
        pkts.append(b"".join(w.to_bytes(8, "little") for w in words)[:size])
    return pkts


PACKET_SIZES = [14, 60, 119, 120, 128, 1514, 3520]
"""Packets of check_program(): shorter than the bounds check, then up to the kernel's largest."""


def check_program(seed: int, n_ops: int, workdir: Path, variant: str) -> dict:
    """Run program 'seed' everywhere: {"status": accepted|rejected_ovs|rejected_kernel,
    "runs": N, "mismatches": [...], "jit": bool}."""
    obj = assemble(random_program(seed, n_ops), workdir / f"r{seed}.o")
    pkts = operand_packets(random.Random(seed + 10**9), PACKET_SIZES)
    result: dict = {"seed": seed, "runs": 0, "mismatches": []}
    try:
        op = OvstestProgram(obj, variant).__enter__()
        op.set_jit("false")
    except ExtbenchError as e:
        return {**result, "status": "rejected_ovs", "reason": str(e)[-200:]}
    try:
        try:
            kp = KernelProgram(obj).__enter__()
        except ExtbenchError as e:
            return {**result, "status": "rejected_kernel", "reason": str(e)[-200:]}
        try:
            result["jit"] = op.set_jit("true")
            for pkt in pkts:
                want = kp.run(pkt)
                for mode in JIT_MODES:
                    op.set_jit(mode)
                    got = op.run(pkt)
                    result["runs"] += 1
                    if got != want:
                        result["mismatches"].append(
                            {"packet_size": len(pkt), "mode": mode, "kernel_ret": want[0],
                             "ovs_ret": got[0], "bytes_equal": got[1] == want[1]})
        finally:
            kp.close()
    finally:
        op.close()
    obj.unlink()
    obj.with_suffix(".s").unlink()
    return {**result, "status": "accepted"}
