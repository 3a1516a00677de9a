/* Test program for tests/bpf-policy.at of the refined variant. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* DNAT of one virtual IP: an IPv4 packet to 10.0.0.9 is rewritten to
 * 10.0.0.2 (the last byte of the destination address, packet offset 33);
 * the others are left alone.  The IP checksum goes stale, which the dummy
 * datapath does not check. */
SEC("xdp")
int
vip(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 34 > data_end || data[12] != 0x08 || data[13] != 0x00
        || data[30] != 10 || data[31] != 0 || data[32] != 0
        || data[33] != 9) {
        return XDP_PASS;
    }
    data[33] = 2;
    return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
