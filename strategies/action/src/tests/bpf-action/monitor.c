/* Test program for tests/bpf-action.at (OpenFlow bpf() action). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Read-only: counts IPv4 packets by their last destination address byte in
 * an array map, and passes every packet. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 256);
} counts SEC(".maps");

SEC("xdp")
int
monitor(struct xdp_md *ctx)
{
    unsigned char *data = (void *) (long) ctx->data;
    unsigned char *data_end = (void *) (long) ctx->data_end;
    __u32 key;
    __u64 *value;

    if (data + 34 > data_end || data[12] != 0x08 || data[13] != 0x00) {
        return XDP_PASS;
    }
    key = data[33];
    value = bpf_map_lookup_elem(&counts, &key);
    if (value) {
        __sync_fetch_and_add(value, 1);
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
