/* Test program for tests/bpf-action.at (OpenFlow bpf() action). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Payload writer in the manner of extensions/payload_xor.c: for an IPv4
 * packet without options, XOR-masks the 4 bytes after the UDP header
 * (offsets 42-46) and clears the UDP checksum (40-42), neither of which is
 * in OVS's flow key.  It writes the same offsets whatever the packet, so on
 * a packet with IPv4 options it rewrites the UDP destination port. */
SEC("xdp")
int
udp_payload(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 46 > data_end) {
        return XDP_PASS;
    }
    data[40] = 0;
    data[41] = 0;
    for (int i = 42; i < 46; i++) {
        data[i] ^= 0x5a;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
