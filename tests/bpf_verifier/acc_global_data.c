/* ---
 * verdict: accepted
 * reads: [[12, 14], [23, 24]]
 * writes: []
 * kernel: accepted
 * ---
 * Global data as libbpf lays it out: a constant table in .rodata indexed by
 * a packet byte, a counter in .data and an array in .bss, each a
 * single-entry array map that the program addresses directly (ld_imm64
 * with BPF_PSEUDO_MAP_VALUE and an offset).  Map values are not packet
 * bytes: only the EtherType and the IPv4 protocol are read.
 */
#include "xbtest.h"

const volatile __u32 weights[8] = { 1, 2, 3, 5, 8, 13, 21, 34 };
__u64 packets = 1;
__u64 per_proto[8];

SEC("xdp")
int prog(struct xdp_md *ctx)
{
    void *data = (void *) (long) ctx->data;
    void *data_end = (void *) (long) ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = data + sizeof *eth;
    __u32 slot;

    if ((void *) (ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
        return XDP_PASS;
    }
    slot = ip->protocol & 7;
    __sync_fetch_and_add(&packets, 1);
    __sync_fetch_and_add(&per_proto[slot], weights[slot]);
    return XDP_PASS;
}

LICENSE;
