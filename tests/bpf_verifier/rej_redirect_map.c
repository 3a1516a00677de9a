/* ---
 * verdict: rejected
 * reason: "helper bpf_redirect_map (51) is not supported by the OVS runtime: OVS forwards by its flow tables"
 * kernel: accepted
 * ---
 * bpf_redirect_map() into a device map: refused at load, by name (the
 * device map is refused too, but the helper is named first).
 */
#include "xbtest.h"

struct {
    __uint(type, BPF_MAP_TYPE_DEVMAP);
    __type(key, __u32);
    __type(value, __u32);
    __uint(max_entries, 4);
} ports SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    return bpf_redirect_map(&ports, 0, XDP_PASS);
}

LICENSE;
