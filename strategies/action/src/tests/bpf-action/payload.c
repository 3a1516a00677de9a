/* Test program for tests/bpf-action.at (OpenFlow bpf() action). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Payload writer: inverts the byte at packet offset 104.  That is beyond
 * every header that OVS may parse for an IPv4 UDP packet (98 bytes), but
 * not for an IPv4 TCP packet (110 bytes): see the verifier variant's
 * lib/bpf-policy.c. */
SEC("xdp")
int
payload(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;

    if (data + 105 > data_end) {
        return XDP_PASS;
    }
    data[104] ^= 0xff;
    return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
