/* ---
 * verdict: accepted
 * reads: [[12, 14]]
 * writes: []
 * kernel: accepted
 * ---
 * Logs the EtherType with bpf_printk() (bpf_trace_printk, its format in
 * .rodata) and, with four arguments, bpf_trace_vprintk (the arguments in
 * an array on the stack): the helpers read map and stack memory, not the
 * packet.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;

    if ((void *) (eth + 1) > data_end) {
        return XDP_PASS;
    }
    bpf_printk("ethertype %x", bpf_ntohs(eth->h_proto));
    bpf_printk("in %u len %d: %x %s", ctx->ingress_ifindex,
               (int) (data_end - data), eth->h_proto, "done");
    return XDP_PASS;
}

LICENSE;
