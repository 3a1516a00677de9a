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

#ifndef BPF_HELPERS_H
#define BPF_HELPERS_H 1

/* Helper functions of the extension runtime beyond the map helpers, time and
 * random numbers (which bpf-interp.c has): bpf_trace_printk (6),
 * bpf_get_smp_processor_id (8), bpf_csum_diff (28), bpf_xdp_adjust_head
 * (44), bpf_xdp_adjust_tail (65), bpf_ktime_get_boot_ns (125) and
 * bpf_trace_vprintk (177), with the kernel's semantics.  The interpreter
 * calls them, and so does the JIT's code (bpf-interp.h declares them, with
 * the others).
 *
 * bpf_helper_name() is in bpf-loader.c, which may include <linux/bpf.h>
 * (whose BPF_H clashes with bpf.h's include guard, and whose "struct
 * bpf_map_info" with bpf-verifier.h's); this header includes neither. */

#include <stdint.h>

/* Returns the Linux name of helper number 'id' ("map_lookup_elem"), or NULL
 * if Linux has no such helper. */
const char *bpf_helper_name(int32_t id);

#endif /* bpf-helpers.h */
