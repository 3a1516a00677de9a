/* Test program for tests/bpf-action.at (OpenFlow bpf() action). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Returns XDP_TX, which the bpf action treats as an error (drop). */
SEC("xdp")
int
tx(struct xdp_md *ctx)
{
    return XDP_TX;
}

char _license[] SEC("license") = "Dual BSD/GPL";
