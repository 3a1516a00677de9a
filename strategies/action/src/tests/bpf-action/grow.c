/* Test program for tests/bpf-action.at (OpenFlow bpf() action). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Appends 4 zero bytes to the packet (Ethernet padding after the IPv4
 * packet): it changes the packet's length, so the verifier says that it
 * may read and write every byte. */
SEC("xdp")
int
grow(struct xdp_md *ctx)
{
    return bpf_xdp_adjust_tail(ctx, 4) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
