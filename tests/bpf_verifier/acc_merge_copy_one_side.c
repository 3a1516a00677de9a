/* ---
 * verdict: accepted
 * reads: [[0, 3], [16, 32]]
 * writes: [[0, 256]]
 * merged: true
 * kernel: accepted
 * ---
 * Issue 14's reproducer, with flags that matter (so that the merging pass
 * runs): b is a copy of c on one path and of a on the other.  The merged
 * state must not keep c's id for b: "c <= 10" says nothing about b, which
 * may be any byte, so the write d[b] covers [0, 256).
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    __u8 *d = (void *) (long) ctx->data;
    __u8 *e = (void *) (long) ctx->data_end;
    __u32 flags = 0;
    __u64 a, b, c;
    if (d + 300 > e) {
        return XDP_PASS;
    }
    a = d[0];
    c = d[2];
    b = d[1] ? c : a;
    OPAQUE(a);
    OPAQUE(b);
    OPAQUE(c);
    MERGE_FLAGS(d, flags);
    if (c > 10) {
        return XDP_PASS;
    }
    if (d + b + 1 > e) {
        return XDP_PASS;
    }
    d[b] = 0x42;
    MERGE_RETURN(flags);
}

LICENSE;
