/* ---
 * verdict: accepted
 * reads: [[0, 1]]
 * writes: []
 * kernel: accepted
 * ---
 * Reads 4 bytes of metadata after proving "data_meta + 4 <= data".  The
 * metadata area is not part of the packet (and is empty in OVS, where
 * data_meta == data): only the packet byte read counts.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    __u32 *meta = (void *) (long) ctx->data_meta;
    __u8 *p = data;

    if (p + 1 > (__u8 *) data_end) {
        return XDP_PASS;
    }
    if ((void *) (meta + 1) > data) {
        return *p == 1 ? XDP_DROP : XDP_PASS;
    }
    return *meta == 42 ? XDP_DROP : XDP_PASS;
}

LICENSE;
