/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* noop: touches nothing and passes every packet.  It measures the pure cost
 * of invoking an extension. */

#include "xb_ext.h"

/* Returns "pass" for every packet in 'ctx'. */
SEC("xdp")
int
noop(struct xdp_md *ctx)
{
    (void) ctx;
    return EXT_PASS;
}
