/* SPDX-License-Identifier: Apache-2.0 */
/* Copyright (c) 2026 The extbench authors. */

/* bpf2bpf_flow.c with every function inlined (static __always_inline, as
 * most XDP programs write their parsers).  The offsets that the parse
 * functions return as int are checked with "< 0 || > 60" in 32 bits and then
 * sign-extended (<<= 32, s>>= 32) before they are added to packet pointers:
 * the kernel's verifier keeps their bounds through that. */

#define FLOW_FN static __always_inline
#include "bpf2bpf_flow.c"
