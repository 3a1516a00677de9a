/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* port_filter: a stateless port block list, the shape of filter that
 * oko-fold folds into megaflows.  UDP and TCP packets to port 23 (telnet)
 * or 445 (SMB) fail; every other packet passes.  It reads only flow key
 * fields (the EtherType, the IPv4 version/IHL byte, the protocol and the
 * destination port) and, on purpose, not the fragment field (bytes 20..22,
 * whose DF bit no flow field holds): a later fragment is judged by the
 * bytes where a port would be. */

#include "xb_ext.h"

#define PORT_FILTER_TELNET 23
#define PORT_FILTER_SMB 445

/* Returns "fail" for UDP or TCP packets in 'ctx' to a blocked port, "pass"
 * for every other packet. */
SEC("xdp")
int
port_filter(struct xdp_md *ctx)
{
    struct iphdr *ip = ext_ipv4(ctx);
    __u8 *l4;
    __u16 dport;

    if (!ip || (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP)) {
        return EXT_PASS;
    }
    l4 = (__u8 *) (ip + 1);
    if ((void *) (l4 + 4) > ext_data_end(ctx)) {
        return EXT_PASS;
    }
    dport = ((__u16) l4[2] << 8) | l4[3];
    return EXT_VERDICT(dport != PORT_FILTER_TELNET && dport != PORT_FILTER_SMB);
}
