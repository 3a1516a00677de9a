/* Test program for tests/bpf-action.at (OpenFlow bpf() action). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Drops every packet. */
SEC("xdp")
int
drop(struct xdp_md *ctx)
{
    return XDP_DROP;
}

char _license[] SEC("license") = "Dual BSD/GPL";
