/* ---
 * verdict: rejected
 * reason: "invalid access to map value, value_size=32"
 * kernel: rejected
 * kernel_reason: "invalid access to map value"
 * ---
 * Indexes a .bss array of 4 counters with a packet byte masked to 0..7:
 * past the end of the section's value.
 */
#include "xbtest.h"

__u64 counters[4];

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u32 i;

    if (data + 1 > data_end) {
        return XDP_PASS;
    }
    i = data[0] & 7;
    OPAQUE(i);
    counters[i]++;
    return XDP_PASS;
}

LICENSE;
