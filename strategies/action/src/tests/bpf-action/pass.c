/* Test program for tests/bpf-action.at (OpenFlow bpf() action). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Touches nothing: the verifier finds no packet read or write. */
SEC("xdp")
int
pass(struct xdp_md *ctx)
{
    return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
