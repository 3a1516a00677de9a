"""Differential tests: OVS's BPF interpreter and JIT against the Linux kernel (BPF_PROG_TEST_RUN).

Every extension object, four semantic objects (runtime_progs/: ALU, atomics, map helpers, and
xdp_objects: several programs per object, global data, per-CPU and LRU maps, bpf_csum_diff,
length changes and bpf_trace_printk),
the verifier suite's programs that both verifiers accept, and seeded random instruction
streams run on the same packets, in the same order, in ``ovstest test-bpf serve`` of the
``runtime`` variant, once per JIT mode (the interpreter, the JIT with proofs, the JIT with
every check; each with its own maps), and in the kernel (JIT). Return values
and the packet bytes left behind must be equal, and so must the maps afterwards, except for
programs that store ktime or random numbers. Packets: well-formed frames of every shape the
corpus parses, frames cut short inside each header, random bytes, and the largest frame the
kernel runs on its linear buffer (3520 bytes; the kernel refuses frames under 14 bytes).
"""

import random
import struct
from pathlib import Path

import pytest

from harness.bpf import compile as bpf_compile
from harness.bpf import packets, randprog
from harness.bpf.kernel import OBJECT_ID_MAP_TYPES, KernelProgram
from harness.bpf.ovs import JIT_MODES, OvstestProgram, ovstest_verify
from harness.proc import run_checked

pytestmark = [pytest.mark.integration, pytest.mark.root]

PROGS = Path(__file__).with_name("runtime_progs")
KERNEL_MAX_LINEAR = 3520
"""Largest frame the kernel's XDP test run puts in the linear buffer (4096 - 256 - 320)."""

TIME_OR_RANDOM_HELPERS = {5, 7, 8, 125}
"""ktime_get_ns, get_prandom_u32, get_smp_processor_id and ktime_get_boot_ns: map values that
store them differ between executors."""

EDGE = [0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
        0x100000000, 0x7fffffffffffffff, 0x8000000000000000, 0xfffffffffffffffd,
        0xffffffffffffffff]


def frame_packets() -> list[bytes]:
    """Frames of the shapes the corpus parses, truncated ones, random ones, the largest."""
    descs = [{"proto": "udp"}, {"proto": "tcp"}, {"proto": "tcp", "flags": "A"},
             {"proto": "tcp", "dport": 22}, {"proto": "tcp", "dport": 80, "sport": 1000},
             {"proto": "icmp"}, {"proto": "arp"}, {"proto": "udp", "vlan": 5},
             {"proto": "udp", "ip_options": True}, {"proto": "udp", "frag": 10},
             {"proto": "udp", "dport": 53, "payload": "xb" * 40},
             {"proto": "udp", "size": KERNEL_MAX_LINEAR}]
    frames = [packets.packet_bytes(d) for d in descs]
    udp, tcp = frames[0], frames[1]
    frames += [udp[:n] for n in (14, 15, 20, 23, 24, 33, 34, 35, 37, 38, 41, 42)]
    frames += [tcp[:n] for n in (47, 48, 53)]
    rnd = random.Random(4)
    frames += [bytes(rnd.getrandbits(8) for _ in range(rnd.choice([14, 60, 200])))
               for _ in range(6)]
    return frames


def operand_packets(n: int, size: int, seed: int) -> list[bytes]:
    """Packets whose first 8-byte words are edge-case or random 64-bit operands."""
    rnd = random.Random(seed)
    pkts = []
    for _ in range(n):
        words = [rnd.choice(EDGE + [rnd.getrandbits(64)]) for _ in range(size // 8)]
        pkts.append(b"".join(w.to_bytes(8, "little") for w in words))
    return pkts


def uses_time_or_random(obj: Path) -> bool:
    """Whether a program of the object calls a helper of TIME_OR_RANDOM_HELPERS."""
    from elftools.elf.constants import SH_FLAGS
    from elftools.elf.elffile import ELFFile
    with open(obj, "rb") as f:
        code = b"".join(s.data() for s in ELFFile(f).iter_sections()
                        if s["sh_flags"] & SH_FLAGS.SHF_EXECINSTR)
    return any(code[i] == 0x85 and struct.unpack_from("<i", code, i + 4)[0]
               in TIME_OR_RANDOM_HELPERS for i in range(0, len(code), 8))


def compare(obj: Path, pkts: list[bytes], reference: str = "kernel",
            program: str | None = None) -> list[str]:
    """Run 'pkts' through 'obj' in the kernel and in OVS in every JIT mode; the differences.

    reference: "kernel", or "interpreter" to compare the JIT modes with OVS's interpreter
    only (for programs whose results depend on the context's ingress_ifindex or on
    uninitialised stack); program: the program of 'obj' to run, if it holds several
    """
    problems = []
    name = f"{obj.name}{':' + program if program else ''}"
    if reference == "kernel":
        with KernelProgram(obj, program=program) as kp:
            want = [kp.run(pkt) for pkt in pkts]
            k_maps = ({} if uses_time_or_random(obj)
                      else {n: sorted(kp.dump_map(n)) for n, info in kp.maps().items()
                            if info["type"] not in OBJECT_ID_MAP_TYPES})
    else:
        with OvstestProgram(obj, jit="false", program=program) as op:
            want = [op.run(pkt) for pkt in pkts]
        k_maps = {}
    for mode in JIT_MODES if reference == "kernel" else JIT_MODES[1:]:
        with OvstestProgram(obj, jit=mode, program=program) as op:
            if mode != "false" and not op.set_jit(mode):
                problems.append(f"{name}: not JIT-compiled")
            for i, pkt in enumerate(pkts):
                k_ret, k_out = want[i]
                o_ret, o_out = op.run(pkt)
                if (k_ret, k_out) != (o_ret, o_out):
                    bytes_differ = [j for j in range(len(k_out))
                                    if k_out[j:j + 1] != o_out[j:j + 1]]
                    problems.append(f"{name} packet {i} ({len(pkt)} bytes), jit={mode}: "
                                    f"kernel returned {k_ret} ({len(k_out)} bytes), OVS "
                                    f"{o_ret} ({len(o_out)} bytes); bytes differ at "
                                    f"{bytes_differ[:16]}")
            for map_name, entries in k_maps.items():
                if entries != op.dump_map(map_name):
                    problems.append(f"{name}, jit={mode}: map {map_name} differs")
    return problems


@pytest.fixture(scope="module")
def runtime(built_variant):
    """The runtime variant, built (its tree holds ovstest)."""
    return built_variant("runtime")


@pytest.fixture(scope="module")
def extension_objects():
    """Every extension, compiled for every role."""
    return bpf_compile.compile_all()


def test_extensions_match_the_kernel(runtime, extension_objects):
    pkts = frame_packets()
    compared, problems = [], []
    for obj in extension_objects:
        if not ovstest_verify(obj, runtime).accepted:
            continue  # The verifier's own tests cover rejections.
        compared.append(obj.name)
        problems += compare(obj, pkts)
    assert len(compared) >= len(extension_objects) // 2, f"too few accepted: {compared}"
    assert problems == []


@pytest.mark.parametrize("name", ["alu", "atomics", "maps"])
def test_semantic_programs_match_the_kernel(runtime, tmp_path, name):
    obj = tmp_path / f"{name}.o"
    run_checked(["clang", *bpf_compile.cflags("action"), "-c", str(PROGS / f"{name}.c"),
                 "-o", str(obj)])
    assert ovstest_verify(obj, runtime).accepted
    if name == "maps":
        pkts = map_op_packets()
    else:
        pkts = operand_packets(60, 512, seed=len(name))
    assert compare(obj, pkts) == []


def xdp_object_packets(program: str) -> list[bytes]:
    """Packets for a program of runtime_progs/xdp_objects.c (see its comments)."""
    rnd = random.Random(sum(map(ord, program)))
    edge = [0, 1, 2, 3, 4, 5, 13, 14, 20, 40, 48, 49, 50, 64, 200, 215, 216, 217, 300, 3455,
            3456, 3457, 3506, 3507, 0x7fffffff]
    pkts = []
    for _ in range(200):
        if program == "csum":
            head = struct.pack("<IIIB", rnd.choice([0, 1, 2, 3, 4, 20, 256, 599, 600,
                                                    rnd.randrange(601)]),
                               rnd.choice([0, 2, 5, 8, 40, 512, 600, 1023, rnd.randrange(601)]),
                               rnd.choice([0, 0xffff, 0xffffffff, rnd.getrandbits(32)]),
                               rnd.randrange(4))
            fill = rnd.choice([0x00, 0xff, None])
            body = (bytes([fill]) * 1200 if fill is not None
                    else bytes(rnd.getrandbits(8) for _ in range(1200)))
            pkts.append(head + bytes(64 - len(head)) + body)
            continue
        pkt = bytearray(rnd.getrandbits(8) for _ in range(rnd.choice([64, 100, 1500])))
        if program == "adjust":
            pkt[0] = rnd.randrange(4)
            struct.pack_into("<ii", pkt, 4, rnd.choice(edge) * rnd.choice([1, -1]),
                             rnd.choice(edge) * rnd.choice([1, -1]))
        elif program == "maps":
            pkt[0] = rnd.randrange(3) | rnd.randrange(3) << 2
            pkt[8] = rnd.choice([0, 0, 1, 2, 3, 4])
        pkts.append(bytes(pkt))
    if program == "adjust":
        # The largest frame: no room to grow at the end.
        big = bytearray(KERNEL_MAX_LINEAR)
        big[0] = 2
        struct.pack_into("<ii", big, 4, 0, 1)
        pkts.append(bytes(big))
    return pkts


@pytest.mark.parametrize("program", ["globals", "legacy", "maps", "csum", "adjust", "printk"])
def test_xdp_object_programs_match_the_kernel(runtime, tmp_path, program):
    """Several programs of one object, chosen by name: global data, per-CPU and LRU maps,
    bpf_csum_diff, length changes and bpf_trace_printk (its return value)."""
    obj = tmp_path / "xdp_objects.o"
    run_checked(["clang", *bpf_compile.cflags("action"), "-c", str(PROGS / "xdp_objects.c"),
                 "-o", str(obj)])
    verdict = ovstest_verify(obj, runtime, program=program)
    assert verdict.accepted, verdict.reason
    assert verdict.changes_length == (program == "adjust")
    assert compare(obj, xdp_object_packets(program), program=program) == []


def map_op_packets() -> list[bytes]:
    """Packets for maps.c: byte 0 an operation, [1, 5) a key, 5 the flags, [8, 16) a value."""
    rnd = random.Random(5)
    pkts = []
    for _ in range(300):
        op = rnd.randrange(8)
        key = rnd.choice([0, 1, 2, 3, 4, 5, 6, 0xffffffff])
        flags = rnd.choice([0, 0, 1, 2, 3, 4])
        value = rnd.getrandbits(64)
        pkts.append(bytes([op]) + key.to_bytes(4, "little") + bytes([flags, 0, 0])
                    + value.to_bytes(8, "little") + bytes(16))
    return pkts


# Random instruction streams.  r6 holds the packet pointer and r7 data_end; the body
# computes on r0, r2-r5, r8 and r9, which start as the packet's first 7 words and end
# stored back at bytes [64, 120).
WORK, ALU_OPS, insn, assemble = randprog.WORK, randprog.ALU_OPS, randprog.insn, randprog.assemble


def random_body(rnd: random.Random, n: int) -> list[list[int]]:
    """'n' random operations, each a list of 1 or 2 instruction words."""
    body: list[list[int]] = []
    for _ in range(n):
        dst, src = rnd.choice(WORK), rnd.choice(WORK)
        kind = rnd.random()
        if kind < 0.08:
            imm = rnd.choice(EDGE + [rnd.getrandbits(64)])
            body.append([insn(0x18, dst, imm=imm & 0xffffffff), insn(0, imm=imm >> 32)])
        elif kind < 0.14:
            body.append([insn(0xd4 | rnd.choice([0, 8]), dst, imm=rnd.choice([16, 32, 64]))])
        elif kind < 0.18:
            body.append([insn(rnd.choice([0x84, 0x87]), dst)])
        else:
            cls = rnd.choice([0x04, 0x07])
            op = rnd.choice(ALU_OPS)
            width = 32 if cls == 0x04 else 64
            if rnd.random() < 0.5:
                body.append([insn(cls | op | 0x08, dst, src)])
            else:
                imm = rnd.choice([0, 1, 3, 31, 32, -1, -3, 0x7fffffff, -0x80000000,
                                  rnd.getrandbits(31)])
                if op in (0x60, 0x70, 0xc0):
                    imm = rnd.randrange(width)
                elif op in (0x30, 0x90) and imm == 0:
                    imm = 5
                body.append([insn(cls | op, dst, imm=imm)])
    return randprog.add_forward_jumps(rnd, body)


def random_program(seed: int, n_ops: int = 60) -> list[int]:
    """A complete XDP program around a random body; returns instruction words."""
    rnd = random.Random(seed)
    words = [insn(0x61, 6, 1, 0), insn(0x61, 7, 1, 4),          # r6 = data, r7 = data_end
             insn(0xbf, 2, 6), insn(0x07, 2, imm=120),             # r2 = r6 + 120
             insn(0x2d, 2, 7, off=len(WORK) * 2 + 1 + 0)]          # placeholder, fixed below
    loads = [insn(0x79, r, 6, off=8 * i) for i, r in enumerate(WORK)]
    body = [w for op in random_body(rnd, n_ops) for w in op]
    stores = [insn(0x7b, 6, r, off=64 + 8 * i) for i, r in enumerate(WORK)]
    tail = [insn(0x95)]
    abort = [insn(0xb7, 0, imm=0), insn(0x95)]
    # if r2 > r7 goto abort (past loads, body, stores and the exit).
    words[4] = insn(0x2d, 2, 7, off=len(loads) + len(body) + len(stores) + len(tail))
    return words + loads + body + stores + tail + abort


def test_random_instruction_streams_match_the_kernel(runtime, tmp_path):
    problems = []
    for seed in range(30):
        obj = assemble(random_program(seed), tmp_path / f"rand{seed}.o")
        verdict = ovstest_verify(obj, runtime)
        assert verdict.accepted, f"seed {seed}: {verdict.reason}"
        problems += compare(obj, operand_packets(8, 128, seed=1000 + seed))
    assert problems == []


def test_verifier_suite_programs_match_the_kernel(runtime, tmp_path):
    """Every program of tests/bpf_verifier that OVS and the kernel accept, on every frame."""
    from test_verifier_suite import CASES, compile_case

    # acc_ctx_fields reads ingress_ifindex: 1 (lo) in the kernel's test run, 0 in ovstest;
    # acc_uninit_stack returns uninitialised stack: whatever the kernel's held, 0 in OVS
    # (the interpreter and the JIT zero the stack they let a program read).
    environment_dependent = {"acc_ctx_fields", "acc_uninit_stack"}
    cases = [c for c in CASES if c.expect["verdict"] == "accepted"
             and c.expect["kernel"] == "accepted" and not c.expect.get("slow")]
    pkts = frame_packets()
    compared, problems = [], []
    for case in cases:
        obj = compile_case(case, tmp_path)
        if not ovstest_verify(obj, runtime).accepted:
            continue  # test_verifier_suite reports it.
        compared.append(case.name)
        problems += compare(obj, pkts, "interpreter" if case.name in environment_dependent
                            else "kernel")
    assert len(compared) >= 20, compared
    assert problems == []


def test_random_programs_with_memory_match_the_kernel(runtime, tmp_path):
    """A short run of benchmarks/jit_equivalence.py: 40 programs of harness.bpf.randprog."""
    results = [randprog.check_program(seed, 60, tmp_path, runtime) for seed in range(40)]
    accepted = [r for r in results if r["status"] == "accepted"]
    assert len(accepted) >= 30, [r.get("reason") for r in results if r not in accepted]
    assert all(r["jit"] for r in accepted)
    assert [r for r in accepted if r["mismatches"]] == []
