/* Test program for tests/bpf-policy.at of the refined variant. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* TTL decrement: an IPv4 packet's TTL (packet offset 22) goes down by one,
 * and the high byte of its header checksum (offset 24) up by one, as an
 * incremental update of a checksum without carry would do. */
SEC("xdp")
int
ttl(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 34 > data_end || data[12] != 0x08 || data[13] != 0x00) {
        return XDP_PASS;
    }
    data[22] -= 1;
    data[24] += 1;
    return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
