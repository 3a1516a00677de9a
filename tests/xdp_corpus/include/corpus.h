/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

#ifndef XB_CORPUS_H
#define XB_CORPUS_H 1

/* Header parsing in the style most public XDP programs use: a cursor that
 * moves over the packet, one parse_*() function per header that checks the
 * header against data_end before returning it, and the next protocol as the
 * return value (network byte order for EtherTypes, host order for IP
 * protocols), or -1 if the header does not fit.  Written for extbench's
 * XDP corpus (tests/xdp_corpus/README.md); every function is
 * static __always_inline unless a program says otherwise. */

#include <stddef.h>
#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef VLAN_MAX_DEPTH
#define VLAN_MAX_DEPTH 2
#endif

/* 802.1Q / 802.1ad tag (the uapi headers do not define it). */
struct vlan_hdr {
    __be16 tci;
    __be16 encap_proto;
};

/* ICMP echo header (linux/icmp.h pulls in the C library's headers). */
struct icmp_echo_hdr {
    __u8 type;
    __u8 code;
    __sum16 checksum;
    __be16 id;
    __be16 sequence;
};

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8

/* IPv6 extension header: the part every one of them starts with. */
struct ipv6_opt_hdr_any {
    __u8 nexthdr;
    __u8 hdrlen;
};

/* IPv6 fragment header. */
struct frag6_hdr {
    __u8 nexthdr;
    __u8 reserved;
    __be16 frag_off;        /* Offset (13 bits, units of 8 bytes), M flag. */
    __be32 identification;
};

struct cursor {
    void *pos;
};

static __always_inline int
proto_is_vlan(__u16 h_proto)
{
    return h_proto == bpf_htons(ETH_P_8021Q)
           || h_proto == bpf_htons(ETH_P_8021AD);
}

/* Parses Ethernet and up to VLAN_MAX_DEPTH tags; returns the inner EtherType
 * (network order) or -1.  '*vid' gets the outer VLAN id or 0 if untagged,
 * '*tags' the number of tags. */
static __always_inline int
parse_ethhdr_vlan(struct cursor *c, void *data_end, struct ethhdr **ethp,
                  __u16 *vid, int *tags)
{
    struct ethhdr *eth = c->pos;
    struct vlan_hdr *vlh;
    __u16 h_proto;
    int i;

    if ((void *) (eth + 1) > data_end) {
        return -1;
    }
    c->pos = eth + 1;
    *ethp = eth;
    *vid = 0;
    *tags = 0;
    h_proto = eth->h_proto;
    vlh = c->pos;

#pragma unroll
    for (i = 0; i < VLAN_MAX_DEPTH; i++) {
        if (!proto_is_vlan(h_proto)) {
            break;
        }
        if ((void *) (vlh + 1) > data_end) {
            return -1;
        }
        if (i == 0) {
            *vid = bpf_ntohs(vlh->tci) & 0x0fff;
        }
        h_proto = vlh->encap_proto;
        vlh++;
        (*tags)++;
    }
    c->pos = vlh;
    return h_proto;
}

/* Parses an IPv4 header with its options; returns the protocol or -1. */
static __always_inline int
parse_iphdr(struct cursor *c, void *data_end, struct iphdr **iphp)
{
    struct iphdr *iph = c->pos;
    int hdrsize;

    if ((void *) (iph + 1) > data_end) {
        return -1;
    }
    hdrsize = iph->ihl * 4;
    if (hdrsize < (int) sizeof *iph) {
        return -1;
    }
    if (c->pos + hdrsize > data_end) {
        return -1;
    }
    c->pos += hdrsize;
    *iphp = iph;
    return iph->protocol;
}

/* Parses the fixed IPv6 header; returns the next header or -1. */
static __always_inline int
parse_ip6hdr(struct cursor *c, void *data_end, struct ipv6hdr **ip6hp)
{
    struct ipv6hdr *ip6h = c->pos;

    if ((void *) (ip6h + 1) > data_end) {
        return -1;
    }
    c->pos = ip6h + 1;
    *ip6hp = ip6h;
    return ip6h->nexthdr;
}

static __always_inline int
is_ipv6_ext(__u8 nexthdr)
{
    return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING
           || nexthdr == IPPROTO_FRAGMENT || nexthdr == IPPROTO_DSTOPTS;
}

/* Parses a UDP header; returns its length field or -1. */
static __always_inline int
parse_udphdr(struct cursor *c, void *data_end, struct udphdr **udphp)
{
    struct udphdr *h = c->pos;

    if ((void *) (h + 1) > data_end) {
        return -1;
    }
    c->pos = h + 1;
    *udphp = h;
    return bpf_ntohs(h->len);
}

/* Parses a TCP header with its options; returns their length or -1. */
static __always_inline int
parse_tcphdr(struct cursor *c, void *data_end, struct tcphdr **tcphp)
{
    struct tcphdr *h = c->pos;
    int len;

    if ((void *) (h + 1) > data_end) {
        return -1;
    }
    len = h->doff * 4;
    if (len < (int) sizeof *h) {
        return -1;
    }
    if (c->pos + len > data_end) {
        return -1;
    }
    c->pos += len;
    *tcphp = h;
    return len;
}

/* Folds a 32-bit one's complement sum into 16 bits. */
static __always_inline __u16
csum_fold32(__u32 csum)
{
    csum = (csum & 0xffff) + (csum >> 16);
    csum = (csum & 0xffff) + (csum >> 16);
    return (__u16) ~csum;
}

/* RFC 1624 eqn. 3: the checksum 'check' after a 16-bit word changes from
 * 'old' to 'new' (all in network order). */
static __always_inline __u16
csum_replace2(__u16 check, __u16 old, __u16 new)
{
    __u32 sum = (__u16) ~check + (__u16) ~old + (__u32) new;

    return csum_fold32(sum);
}

static __always_inline __u16
csum_replace4(__u16 check, __u32 old, __u32 new)
{
    check = csum_replace2(check, old & 0xffff, new & 0xffff);
    return csum_replace2(check, old >> 16, new >> 16);
}

#endif /* corpus.h */
