/* ---
 * verdict: rejected
 * reason: "helper bpf_redirect (23) is not supported by the OVS runtime: OVS forwards by its flow tables"
 * kernel: accepted
 * ---
 * bpf_redirect() has no meaning in OVS, which forwards packets by its
 * OpenFlow tables: refused at load, by name.
 */
#include "xbtest.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    return bpf_redirect(ctx->ingress_ifindex, 0);
}

LICENSE;
