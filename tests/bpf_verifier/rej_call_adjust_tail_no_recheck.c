/* ---
 * verdict: rejected
 * reason: "insn 7: invalid access to packet, off=30 size=1"
 * kernel: rejected
 * kernel_reason: "invalid access to packet"
 * ---
 * The caller checks 34 bytes, a BPF function it calls shortens the packet,
 * and the caller loads ctx->data again and reads byte 30 without a new
 * check: what the caller learned of the length is gone with the callee's
 * change, as with the change in its own frame.
 */
#include "xbtest.h"

ASM_FUNC(trim,
    "r2 = -20\n"
    "call 65\n"
    "exit\n"
);

ASM_PROG(
    "r6 = r1\n"
    LOAD_PKT
    "r2 += 34\n"
    "if r2 > r3 goto 1f\n"
    "call trim\n"
    "r2 = *(u32 *)(r6 + 0)\n"
    "r0 = *(u8 *)(r2 + 30)\n"
    "exit\n"
"1:\n"
    "r0 = 2\n"
    "exit\n"
);

LICENSE;
