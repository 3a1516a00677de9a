"""Write the seed corpus of fuzz-bpf into strategies/common/fuzz/corpus/.

ELF seeds (first byte 0) are the compiled extensions and the runtime's test programs;
instruction seeds (first byte 1) are a few hand-written programs that use both fuzzing maps
and random ALU programs from the differential test's generator; generator seeds (first byte
2) are random bytes that drive the structured program generator of tests/bpf-progen.h. Run
from the repository root with the project venv:
``.venv/bin/python strategies/common/fuzz/make_corpus.py``.
"""

import hashlib
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from test_runtime_diff import insn, random_program  # noqa: E402

from harness.bpf import compile as bpf_compile  # noqa: E402
from harness.proc import run_checked  # noqa: E402

CORPUS = Path(__file__).with_name("corpus")


def raw_seed(words: list[int], pkt: bytes) -> bytes:
    """An instruction seed: mode byte 1, packet length, packet, instructions."""
    return bytes([1, len(pkt)]) + pkt + b"".join(w.to_bytes(8, "little") for w in words)


def map_programs() -> list[list[int]]:
    """Programs that look up, update and delete in the fuzzing maps (0: hash, 1: array)."""
    lookup_add = [
        insn(0x62, 10, off=-4, imm=3),                      # *(u32 *)(r10 - 4) = 3
        insn(0xbf, 2, 10), insn(0x07, 2, imm=-4),            # r2 = r10 - 4
        insn(0x18, 1, 1, imm=0), insn(0),                    # r1 = map[0]
        insn(0x85, imm=1),                                   # call map_lookup_elem
        insn(0x15, 0, off=2),                                # if r0 == 0 goto +2
        insn(0xb7, 1, imm=1), insn(0xdb, 0, 1, imm=0x01),    # r1 = fetch_add(*r0, 1)
        insn(0xb7, 0, imm=2), insn(0x95)]
    update = [
        insn(0x62, 10, off=-4, imm=1), insn(0x7a, 10, off=-16, imm=7),
        insn(0xbf, 2, 10), insn(0x07, 2, imm=-4),
        insn(0xbf, 3, 10), insn(0x07, 3, imm=-16),
        insn(0x18, 1, 1, imm=0), insn(0), insn(0xb7, 4, imm=0),
        insn(0x85, imm=2),                                   # call map_update_elem
        insn(0xbf, 2, 10), insn(0x07, 2, imm=-4),
        insn(0x18, 1, 1, imm=0), insn(0),
        insn(0x85, imm=3),                                   # call map_delete_elem
        insn(0x95)]
    array_write = [
        insn(0x62, 10, off=-4, imm=2),
        insn(0xbf, 2, 10), insn(0x07, 2, imm=-4),
        insn(0x18, 1, 1, imm=1), insn(0),
        insn(0x85, imm=1),
        insn(0x15, 0, off=2),
        insn(0x7a, 0, off=8, imm=-1),                        # *(u64 *)(r0 + 8) = -1
        insn(0x79, 0, 0, off=8),                             # r0 = *(u64 *)(r0 + 8)
        insn(0x95)]
    packet_read = [
        insn(0x61, 2, 1, 0), insn(0x61, 3, 1, 4),            # r2 = data, r3 = data_end
        insn(0xbf, 4, 2), insn(0x07, 4, imm=14),
        insn(0x2d, 4, 3, off=2),                             # if r4 > r3 goto +2
        insn(0x69, 0, 2, off=12),                            # r0 = *(u16 *)(r2 + 12)
        insn(0x95),
        insn(0xb7, 0, imm=1), insn(0x95)]
    return [lookup_add, update, array_write, packet_read]


def call_loop_programs() -> list[list[int]]:
    """Programs with bounded loops and bpf-to-bpf calls (src 1: pc + 1 + imm)."""
    loop_sum = [
        insn(0x61, 2, 1, 0), insn(0x61, 3, 1, 4),            # r2 = data, r3 = data_end
        insn(0xbf, 4, 2), insn(0x07, 4, imm=16),
        insn(0x2d, 4, 3, off=8),                             # if r4 > r3 goto out
        insn(0xb7, 0, imm=0), insn(0xb7, 5, imm=0),
        insn(0x71, 1, 2, off=0),                             # loop: r1 = *(u8 *)(r2 + 0)
        insn(0x0f, 0, 1), insn(0x07, 2, imm=1),              # r0 += r1; r2 += 1
        insn(0x07, 5, imm=1),
        insn(0xa5, 5, off=-5, imm=16),                       # if r5 < 16 goto loop
        insn(0x95),
        insn(0xb7, 0, imm=1), insn(0x95)]                    # out
    call_pkt = [
        insn(0x61, 2, 1, 4), insn(0x61, 1, 1, 0),            # r2 = data_end, r1 = data
        insn(0x85, 0, 1, imm=1),                             # call f
        insn(0x95),
        insn(0xbf, 4, 1), insn(0x07, 4, imm=14),             # f: r4 = r1 + 14
        insn(0x2d, 4, 2, off=2),                             # if r4 > r2 goto +2
        insn(0x69, 0, 1, off=12), insn(0x95),                # r0 = *(u16 *)(r1 + 12)
        insn(0xb7, 0, imm=0), insn(0x95)]
    call_key = [
        insn(0xbf, 1, 10), insn(0x07, 1, imm=-4),            # r1 = r10 - 4
        insn(0x85, 0, 1, imm=8),                             # call f (writes the key)
        insn(0xbf, 2, 10), insn(0x07, 2, imm=-4),
        insn(0x18, 1, 1, imm=1), insn(0),                    # r1 = map[1]
        insn(0x85, imm=1),                                   # call map_lookup_elem
        insn(0x15, 0, off=1), insn(0x79, 0, 0, off=0),       # r0 = r0 ? *r0 : 0
        insn(0x95),
        insn(0x62, 1, off=0, imm=3),                         # f: *(u32 *)(r1 + 0) = 3
        insn(0xb7, 0, imm=0), insn(0x95)]
    return [loop_sum, call_pkt, call_key]


def progen_seeds(n: int = 16, size: int = 600) -> list[bytes]:
    """Generator seeds: mode byte 2, a byte of verifier options, random bytes."""
    return [bytes([2, i % 8]) + random.Random(i).randbytes(size) for i in range(n)]


def main() -> int:
    """Write every seed, named after its content's hash."""
    CORPUS.mkdir(exist_ok=True)
    seeds = []
    with tempfile.TemporaryDirectory() as tmp:
        for obj in bpf_compile.compile_all():
            seeds.append(b"\x00" + obj.read_bytes())
        for src in sorted((ROOT / "tests/integration/runtime_progs").glob("*.c")):
            obj = Path(tmp) / (src.stem + ".o")
            run_checked(["clang", *bpf_compile.cflags("action"), "-c", str(src), "-o", str(obj)])
            seeds.append(b"\x00" + obj.read_bytes())
    pkt = bytes(range(64))
    seeds += [raw_seed(words, pkt) for words in map_programs() + call_loop_programs()]
    seeds += [raw_seed(random_program(seed, 20), bytes(range(128))) for seed in range(6)]
    seeds += progen_seeds()
    for seed in seeds:
        (CORPUS / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{len(seeds)} seeds in {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
