/*
 * Copyright (c) 2026 The extbench authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

#ifndef BPF_JIT_H
#define BPF_JIT_H 1

/* x86-64 JIT compiler of the extension runtime.
 *
 * It compiles a program that bpf_interp_prepare() accepted (so: known
 * opcodes, valid registers, jumps and calls; its loops and bpf-to-bpf calls
 * included, if no jump leaves its function) into native code with the
 * interpreter's semantics, including its run-time checks, except where the
 * JIT proves an access safe by itself:
 *
 *   - stack accesses at a constant offset from the frame pointer,
 *   - map value accesses at a constant offset from a non-null
 *     map_lookup_elem result or from global data, within the value (writes
 *     only to maps that the program may write),
 *   - context loads of a known field,
 *   - packet accesses at a constant offset from ctx->data that end within
 *     BPF_JIT_MAX_PROVEN bytes and lie within the verdict's read (or write)
 *     ranges: one length test before the run (a shorter packet runs in the
 *     interpreter) covers all of them, until the program may have changed
 *     the packet's length (bpf_xdp_adjust_head(), bpf_xdp_adjust_tail());
 *     after that, only accesses that a comparison with the new 'data_end'
 *     proves.
 *
 * The JIT trusts nothing else the verifier computed: every other access
 * keeps a check (an inline test against the packet window that the
 * verdict's ranges allow, then a call to the interpreter's checks), and so
 * do helper arguments.  With 'all_checks', nothing is proven: every access
 * is checked, for differential testing.
 *
 * Code memory is mapped writable, filled, then made read-only and
 * executable: it is never writable and executable at once. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf-interp.h"

struct bpf_jit_prog;

/* Accesses to the packet are proven only if they end within this many bytes
 * of its start (the length of the smallest Ethernet frame without FCS), so
 * that the length test sends few real packets to the interpreter. */
#define BPF_JIT_MAX_PROVEN 60

/* Largest program compiled, in instructions. */
#define BPF_JIT_MAX_INSNS 65536

bool bpf_jit_supported(void);
int bpf_jit_compile(const struct bpf_interp_prog *, bool all_checks,
                    struct bpf_jit_prog **jitp, char **errorp);
void bpf_jit_destroy(struct bpf_jit_prog *);
size_t bpf_jit_code_size(const struct bpf_jit_prog *);
size_t bpf_jit_min_size(const struct bpf_jit_prog *);
uint64_t bpf_jit_run(const struct bpf_jit_prog *, void *data, size_t size,
                     const struct bpf_interp_ctx *, uint64_t *n_insnsp,
                     struct bpf_interp_fault *);
uint64_t bpf_jit_run_buf(const struct bpf_jit_prog *, struct bpf_packet_buf *,
                         bool resizable, const struct bpf_interp_ctx *,
                         uint64_t *n_insnsp, struct bpf_interp_fault *);

#endif /* bpf-jit.h */
