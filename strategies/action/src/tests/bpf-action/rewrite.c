/* Test program for tests/bpf-action.at (OpenFlow bpf() action). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Header rewriter: sets the last byte of an IPv4 packet's destination
 * address (packet offset 33) to 3, e.g. 10.0.0.2 -> 10.0.0.3.  It leaves
 * the IP checksum stale, which the dummy datapath does not check. */
SEC("xdp")
int
rewrite(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 34 > data_end || data[12] != 0x08 || data[13] != 0x00) {
        return XDP_PASS;
    }
    data[33] = 3;
    return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
