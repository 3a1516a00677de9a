/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

#ifndef XB_EXT_H
#define XB_EXT_H 1

/* Shared definitions of extbench's BPF extensions.
 *
 * Every extension is one XDP-shaped program, SEC("xdp"), that must run both
 * in the Linux kernel and in the OVS runtime of strategies/common.  The OVS
 * runtime imposes: BTF-defined maps of type HASH, ARRAY, PERCPU_HASH,
 * PERCPU_ARRAY or LRU_HASH; global variables (.data, .bss, .rodata) are
 * fine; bounded loops and bpf-to-bpf calls (.text functions) are verified
 * as the kernel verifies them; no tail calls; helpers 1, 2, 3, 5, 6, 7,
 * 8, 28, 44, 65 and 125 only (see strategies/common/README.md).  An
 * extension here never changes the packet's length (its metadata's byte
 * ranges would not hold).  harness/bpf/compile.py checks each object.
 *
 * Packets are parsed only in the shape the traffic profiles send: Ethernet
 * without VLAN tag, IPv4 without options (IHL 5), then TCP, UDP or ICMP.  So
 * every header field sits at a constant offset from the Ethernet header, and
 * the byte ranges in each extension's metadata are exact.  Anything else is
 * outside an extension's domain and gets the default verdict that its
 * metadata documents.
 *
 * One source serves two roles.  Compiled plainly, it is an action: the
 * verdict "pass" is XDP_PASS (2) and "fail" is XDP_DROP (1).  Compiled with
 * -DEXT_ROLE_FILTER, it is a read-only filter (match condition): "pass" is 1
 * (the rule matches) and "fail" is 0.  A source that writes the packet
 * defines EXT_WRITES_PACKET before including this header, which makes the
 * filter build fail at compile time. */

#include <stdbool.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#if defined(EXT_ROLE_FILTER) && defined(EXT_WRITES_PACKET)
#error "an extension that writes the packet cannot be built as a filter"
#endif

#ifdef EXT_ROLE_FILTER
#define EXT_VERDICT(PASS) ((PASS) ? 1 : 0)
#else
#define EXT_VERDICT(PASS) ((PASS) ? XDP_PASS : XDP_DROP)
#endif
#define EXT_PASS EXT_VERDICT(1)
#define EXT_FAIL EXT_VERDICT(0)

/* Offsets from the Ethernet header of the packet shapes described above. */
#define EXT_OFS_IP 14               /* IPv4 header. */
#define EXT_OFS_L4 34               /* TCP, UDP or ICMP header. */
#define EXT_OFS_UDP_PAYLOAD 42      /* First byte after the UDP header. */

/* IPv4 'frag_off' bits that mark a fragment other than the first, which
 * carries no L4 header. */
#define EXT_IP_OFFSET_MASK 0x1fff

/* TCP flag bits, in the byte at offset 13 of the TCP header. */
#define EXT_TCP_FIN 0x01
#define EXT_TCP_SYN 0x02
#define EXT_TCP_RST 0x04
#define EXT_TCP_ACK 0x10

/* A flow's 5-tuple, as map key.  'pad' must be zero: hash maps compare all
 * bytes of a key. */
struct ext_flow_key {
    __be32 saddr;
    __be32 daddr;
    __be16 sport;
    __be16 dport;
    __u8 proto;
    __u8 pad[3];
};

/* Returns the start of the packet in 'ctx'. */
static __always_inline void *
ext_data(const struct xdp_md *ctx)
{
    return (void *) (long) ctx->data;
}

/* Returns the end of the packet in 'ctx' (one past its last byte). */
static __always_inline void *
ext_data_end(const struct xdp_md *ctx)
{
    return (void *) (long) ctx->data_end;
}

/* Returns the length of the packet in 'ctx', in bytes.  The difference of
 * the two 64-bit packet pointers, as XDP programs usually compute it (not of
 * the 32-bit context fields, which would copy half a pointer). */
static __always_inline __u64
ext_len(const struct xdp_md *ctx)
{
    return (char *) ext_data_end(ctx) - (char *) ext_data(ctx);
}

/* Returns the IPv4 header of the packet in 'ctx' if it is Ethernet (no VLAN)
 * carrying IPv4 without options, else NULL.  Reads the EtherType and the
 * version/IHL byte (bytes 12..15). */
static __always_inline struct iphdr *
ext_ipv4(const struct xdp_md *ctx)
{
    struct ethhdr *eth = ext_data(ctx);
    struct iphdr *ip = (struct iphdr *) (eth + 1);

    if ((void *) (ip + 1) > ext_data_end(ctx)) {
        return NULL;
    }
    if (eth->h_proto != bpf_htons(ETH_P_IP) || *(__u8 *) ip != 0x45) {
        return NULL;
    }
    return ip;
}

/* Returns the L4 header of the IPv4 packet 'ip' in 'ctx', if the packet is
 * not a later fragment and holds at least 'len' bytes of it, else NULL.
 * Reads 'frag_off' (bytes 20..22). */
static __always_inline void *
ext_l4(const struct xdp_md *ctx, const struct iphdr *ip, __u32 len)
{
    void *l4 = (void *) (ip + 1);

    if (ip->frag_off & bpf_htons(EXT_IP_OFFSET_MASK)) {
        return NULL;
    }
    if (l4 + len > ext_data_end(ctx)) {
        return NULL;
    }
    return l4;
}

/* Returns the UDP header of the packet in 'ctx' if it is IPv4/UDP as
 * described above (and not a later fragment), else NULL. */
static __always_inline struct udphdr *
ext_udp(const struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);

    if (!ip || ip->protocol != IPPROTO_UDP) {
        return NULL;
    }
    return ext_l4(ctx, ip, sizeof(struct udphdr));
}

/* Returns the TCP header of the packet in 'ctx' if it is IPv4/TCP as
 * described above (and not a later fragment), else NULL. */
static __always_inline struct tcphdr *
ext_tcp(const struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);

    if (!ip || ip->protocol != IPPROTO_TCP) {
        return NULL;
    }
    return ext_l4(ctx, ip, sizeof(struct tcphdr));
}

/* Returns the TCP flags byte of 'tcp' (one byte load at offset 13, so that
 * no other byte of the header is read). */
static __always_inline __u8
ext_tcp_flags(const struct tcphdr *tcp)
{
    return ((const __u8 *) tcp)[13];
}

/* Fills 'key' with the 5-tuple of the IPv4 packet 'ip' in 'ctx': addresses
 * and protocol always, ports for TCP and UDP (zero for other protocols and
 * later fragments).  'key' must be zeroed by the caller. */
static __always_inline void
ext_fill_flow_key(const struct xdp_md *ctx, const struct iphdr *ip,
                  struct ext_flow_key *key)
{
    key->saddr = ip->saddr;
    key->daddr = ip->daddr;
    key->proto = ip->protocol;
    if (key->proto == IPPROTO_TCP || key->proto == IPPROTO_UDP) {
        __be16 *ports = ext_l4(ctx, ip, 4);

        if (ports) {
            key->sport = ports[0];
            key->dport = ports[1];
        }
    }
}

/* Returns the 16-bit one's complement sum 'sum' folded to 16 bits. */
static __always_inline __u16
ext_csum_fold(__u32 sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/* Returns the Internet checksum 'csum' updated for a 16-bit word of the
 * covered data changing from 'old' to 'new' (RFC 1624, eqn. 3:
 * HC' = ~(~HC + ~m + m')).  All three are in the same byte order. */
static __always_inline __u16
ext_csum_replace16(__u16 csum, __u16 old, __u16 new)
{
    __u32 sum = (__u16) ~csum;

    sum += (__u16) ~old;
    sum += new;
    return ~ext_csum_fold(sum);
}

/* Returns the Internet checksum 'csum' updated for a 32-bit word of the
 * covered data, aligned on 16 bits, changing from 'old' to 'new'. */
static __always_inline __u16
ext_csum_replace32(__u16 csum, __u32 old, __u32 new)
{
    __u32 sum = (__u16) ~csum;

    sum += (__u16) ~(old & 0xffff);
    sum += (__u16) ~(old >> 16);
    sum += new & 0xffff;
    sum += new >> 16;
    return ~ext_csum_fold(sum);
}

/* Returns 'csum' as it must be stored in a UDP header: a computed checksum
 * of 0 is sent as 0xffff, because 0 means "no checksum" (RFC 768). */
static __always_inline __u16
ext_udp_csum_store(__u16 csum)
{
    return csum ? csum : 0xffff;
}

/* Returns a 32-bit mix of 'h' (the finaliser of MurmurHash3). */
static __always_inline __u32
ext_mix32(__u32 h)
{
    h ^= h >> 16;
    h *= 0x85ebca6b;
    h ^= h >> 13;
    h *= 0xc2b2ae35;
    h ^= h >> 16;
    return h;
}

/* Returns a hash of the 5-tuple 'key' under 'seed'. */
static __always_inline __u32
ext_flow_hash(const struct ext_flow_key *key, __u32 seed)
{
    __u32 h = seed;

    h = ext_mix32(h ^ key->saddr);
    h = ext_mix32(h ^ key->daddr);
    h = ext_mix32(h ^ (((__u32) key->sport << 16) | key->dport));
    return ext_mix32(h ^ key->proto);
}

#endif /* xb_ext.h */
