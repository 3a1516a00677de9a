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

/* The helpers of bpf-helpers.h.  Each takes the program's r1..r5 and the
 * run's areas (see bpf-interp.h), checks every pointer it is given against
 * them with the interpreter's own checks (a bad one sets 'a->fault', which
 * stops the run), and returns what the kernel's helper returns. */

#include <config.h>
#include "bpf-helpers.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "bpf-interp.h"
#include "bpf-map.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(bpf_printk);

/* The Ethernet header, which the packet must keep (ETH_HLEN). */
#define ETH_HLEN 14

/* bpf_xdp_adjust_head(ctx, delta): moves the packet's start by 'delta'
 * bytes (negative: prepends zeros).  Returns 0, or -EINVAL (nothing
 * changes) if the room in front does not allow it or the packet would be
 * shorter than an Ethernet header, as in the kernel.  A run that cannot
 * change the length (not 'a->resizable') has no room. */
uint64_t
bpf_interp_xdp_adjust_head(uint64_t r1, uint64_t r2, uint64_t r3 OVS_UNUSED,
                           uint64_t r4 OVS_UNUSED, uint64_t r5 OVS_UNUSED,
                           struct bpf_interp_areas *a)
{
    int64_t delta = (int32_t) r2;
    int64_t new_size = (int64_t) a->pkt_size - delta;

    if (r1 != a->ctx) {
        a->fault = "xdp_adjust_head: R1 is not the context";
        return 0;
    }
    if (new_size < ETH_HLEN || (delta && !a->resizable)
        || (delta < 0 && -delta > a->headroom)) {
        return -EINVAL;
    }
    if (delta < 0) {
        memset((uint8_t *) (uintptr_t) a->pkt + delta, 0, -delta);
    }
    a->pkt += delta;
    a->pkt_size = new_size;
    a->headroom += delta;
    return 0;
}

/* bpf_xdp_adjust_tail(ctx, delta): moves the packet's end by 'delta' bytes
 * (positive: appends zeros).  Returns 0, or -EINVAL (nothing changes) if the
 * room after the packet does not allow it or the packet would be shorter
 * than an Ethernet header, as in the kernel. */
uint64_t
bpf_interp_xdp_adjust_tail(uint64_t r1, uint64_t r2, uint64_t r3 OVS_UNUSED,
                           uint64_t r4 OVS_UNUSED, uint64_t r5 OVS_UNUSED,
                           struct bpf_interp_areas *a)
{
    int64_t delta = (int32_t) r2;
    int64_t new_size = (int64_t) a->pkt_size + delta;

    if (r1 != a->ctx) {
        a->fault = "xdp_adjust_tail: R1 is not the context";
        return 0;
    }
    if (new_size < ETH_HLEN || (delta && !a->resizable)
        || (delta > 0 && delta > a->tailroom)) {
        return -EINVAL;
    }
    if (delta > 0) {
        memset((uint8_t *) (uintptr_t) a->pkt + a->pkt_size, 0, delta);
    }
    a->pkt_size = new_size;
    a->tailroom -= delta;
    return 0;
}

/* Returns the 32-bit ones' complement sum of 'sum' and the 'n' bytes at 'p',
 * read as 32-bit words in memory order (the last one zero-padded), as the
 * kernel's csum_partial() computes it: 0 only if every input is 0. */
static uint32_t
csum_partial(const uint8_t *p, size_t n, uint32_t sum)
{
    uint64_t s = sum;

    for (size_t i = 0; i < n; i += 4) {
        uint32_t w = 0;

        memcpy(&w, p + i, MIN(4, n - i));
        s += w;
        s = (s & UINT32_MAX) + (s >> 32);
    }
    return s;
}

/* Returns 'a' + 'b' in 32-bit ones' complement arithmetic. */
static uint32_t
csum_add(uint32_t a, uint32_t b)
{
    uint32_t s = a + b;

    return s + (s < b);
}

/* bpf_csum_diff(from, from_size, to, to_size, seed): the checksum
 * difference between the 'from_size' bytes at 'from' and the 'to_size'
 * bytes at 'to', added to 'seed', folded to 16 bits, as Linux 6.13 and
 * later compute it (either pointer may be NULL with a size of 0; earlier
 * kernels returned it unfolded and took only multiples of 4 bytes, 512 in
 * all). */
uint64_t
bpf_interp_csum_diff(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                     uint64_t r5, struct bpf_interp_areas *a)
{
    uint32_t from_size = r2, to_size = r4;
    const uint8_t *from = NULL, *to = NULL;
    uint32_t ret = r5;

    if ((from_size && !(from = bpf_interp_mem_ptr(a, r1, from_size, false)))
        || (to_size && !(to = bpf_interp_mem_ptr(a, r3, to_size, false)))) {
        a->fault = "csum_diff: bad memory argument";
        return 0;
    }

    if (from_size && to_size) {
        ret = csum_add(csum_partial(to, to_size, ret),
                       ~csum_partial(from, from_size, 0));
    } else if (to_size) {
        ret = csum_partial(to, to_size, ret);
    } else if (from_size) {
        ret = ~csum_partial(from, from_size, ~ret);
    }
    ret = (ret & 0xffff) + (ret >> 16);
    ret = (ret & 0xffff) + (ret >> 16);
    return ret & 0xffff;
}

/* bpf_get_smp_processor_id(): the calling thread's slot in per-CPU maps
 * (see ebpf_map_slot()), so that programs that index their own per-CPU
 * arrays by it stay consistent with per-CPU maps. */
uint64_t
bpf_interp_get_smp_processor_id(void)
{
    return ebpf_map_slot();
}

/* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME, in ns. */
uint64_t
bpf_interp_ktime_get_boot_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* bpf_trace_printk(). */

/* Largest output of one bpf_trace_printk() and of one "%s" argument. */
#define PRINTK_MAX 1024
#define PRINTK_MAX_STR 512

/* Returns a host pointer to the 'n' bytes at 'addr' if the program may read
 * them, otherwise NULL (without stopping the run: an argument of
 * bpf_trace_printk() that the verifier does not check only prints as
 * "(bad address)"). */
static const uint8_t *
printk_mem(struct bpf_interp_areas *a, uint64_t addr, size_t n)
{
    const char *fault = a->fault;
    const uint8_t *p = bpf_interp_mem_ptr(a, addr, n, false);

    a->fault = fault;
    return p;
}

/* Appends to 's' the NUL-terminated string at 'addr' (at most
 * PRINTK_MAX_STR bytes), formatted with the printf() conversion 'spec'. */
static void
printk_string(struct bpf_interp_areas *a, uint64_t addr, const char *spec,
              struct ds *s)
{
    struct ds str = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < PRINTK_MAX_STR; i++) {
        const uint8_t *p = printk_mem(a, addr + i, 1);

        if (!p) {
            ds_clear(&str);
            ds_put_cstr(&str, "(bad address)");
            break;
        } else if (!*p) {
            break;
        }
        ds_put_char(&str, *p);
    }
    ds_put_format(s, spec, ds_cstr(&str));
    ds_destroy(&str);
}

/* Appends to 's' the IPv4 ('v6' false) or IPv6 address at 'addr', in the
 * kernel's "%pI4" or "%pI6" form, or "%pi4" and "%pi6" if 'lower'. */
static void
printk_ip(struct bpf_interp_areas *a, uint64_t addr, bool v6, bool lower,
          struct ds *s)
{
    const uint8_t *p = printk_mem(a, addr, v6 ? 16 : 4);

    if (!p) {
        ds_put_cstr(s, "(bad address)");
    } else if (!v6) {
        ds_put_format(s, lower ? "%03u.%03u.%03u.%03u" : "%u.%u.%u.%u",
                      p[0], p[1], p[2], p[3]);
    } else {
        for (int i = 0; i < 16; i += 2) {
            ds_put_format(s, "%s%02x%02x", i && !lower ? ":" : "", p[i],
                          p[i + 1]);
        }
    }
}

/* Returns true if 'c' may follow "%s" or "%p" in a format (the kernel's
 * rule: the end, a space or punctuation). */
static bool
printk_ends_arg(char c)
{
    return !c || isspace((unsigned char) c) || ispunct((unsigned char) c);
}

/* Formats the NUL-terminated format 'fmt' with the 'n_args' arguments
 * 'args' into 's', as the kernel's bpf_trace_printk() accepts formats: "%%",
 * at most 'n_args' conversions among "%d", "%i", "%u", "%x", "%X" (with "l"
 * or "ll"
 * for 64-bit arguments, otherwise 32-bit), "%c", "%s", "%p" (and "%px",
 * "%pK", "%ps", "%pS": printed as a hexadecimal number), "%pI4", "%pi4",
 * "%pI6", "%pi6", "%pks" and "%pus" (as "%s"), each with optional flags
 * "0+- " and a width; only printable characters and spaces.  Returns 0 or
 * -EINVAL for any other format. */
static int
printk_format(struct bpf_interp_areas *a, const char *fmt,
              const uint64_t *args, int max_args, struct ds *s)
{
    int n_args = 0;

    for (size_t i = 0; fmt[i]; i++) {
        unsigned char c = fmt[i];

        if (!isascii(c) || (!isprint(c) && !isspace(c))) {
            return -EINVAL;
        } else if (c != '%') {
            ds_put_char(s, c);
            continue;
        } else if (fmt[i + 1] == '%') {
            ds_put_char(s, '%');
            i++;
            continue;
        } else if (n_args >= max_args) {
            return -EINVAL;
        }

        /* "%", flags and width, as a printf() conversion in 'spec'. */
        char spec[32];
        size_t n = 0;
        spec[n++] = '%';
        for (i++; fmt[i] && strchr("0+- ", fmt[i]) && n < 8; i++) {
            spec[n++] = fmt[i];
        }
        for (; isdigit((unsigned char) fmt[i]) && n < 16; i++) {
            spec[n++] = fmt[i];
        }
        if (isdigit((unsigned char) fmt[i])
            || (fmt[i] && strchr("0+- ", fmt[i]))) {
            /* Too long a width for us (the kernel takes any). */
            return -EINVAL;
        }

        uint64_t arg = args[n_args++];
        if (fmt[i] == 'p') {
            char next = fmt[i + 1];

            if ((next == 'k' || next == 'u') && fmt[i + 2] == 's'
                && printk_ends_arg(fmt[i + 3])) {
                spec[n++] = 's';
                spec[n] = '\0';
                printk_string(a, arg, spec, s);
                i += 2;
            } else if ((next == 'i' || next == 'I')
                       && (fmt[i + 2] == '4' || fmt[i + 2] == '6')) {
                printk_ip(a, arg, fmt[i + 2] == '6', next == 'i', s);
                i += 2;
            } else if (printk_ends_arg(next) || next == 'K' || next == 'x'
                       || next == 's' || next == 'S') {
                ds_put_format(s, "%"PRIx64, arg);
                i += !printk_ends_arg(next);
            } else {
                return -EINVAL;
            }
        } else if (fmt[i] == 's') {
            if (!printk_ends_arg(fmt[i + 1])) {
                return -EINVAL;
            }
            spec[n++] = 's';
            spec[n] = '\0';
            printk_string(a, arg, spec, s);
        } else if (fmt[i] == 'c') {
            spec[n++] = 'c';
            spec[n] = '\0';
            ds_put_format(s, spec, (int) (unsigned char) arg);
        } else {
            bool wide = false;

            if (fmt[i] == 'l') {
                wide = true;
                i += fmt[i + 1] == 'l' ? 2 : 1;
            }
            if (!fmt[i] || !strchr("diuxX", fmt[i])) {
                return -EINVAL;
            }
            spec[n++] = 'l';
            spec[n++] = 'l';
            spec[n++] = fmt[i];
            spec[n] = '\0';
            if (fmt[i] == 'd' || fmt[i] == 'i') {
                long long int v = wide ? (int64_t) arg : (int32_t) arg;
                ds_put_format(s, spec, v);
            } else {
                unsigned long long int v = wide ? arg : (uint32_t) arg;
                ds_put_format(s, spec, v);
            }
        }
    }
    return 0;
}

/* Formats the format of 'fmt_size' bytes at 'fmt_addr' with the 'n_args'
 * 'args' (see printk_format()) and logs the result as an INFO message of
 * module "bpf_printk", rate-limited.  Returns the length of the result (at
 * most PRINTK_MAX), or -EINVAL if the format holds no NUL or is not one
 * that the kernel accepts.  'helper' names the helper in faults. */
static uint64_t
printk(struct bpf_interp_areas *a, uint64_t fmt_addr, uint32_t fmt_size,
       const uint64_t *args, int n_args, const char *fault)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(20, 100);
    const char *fmt = (fmt_size
                       ? bpf_interp_mem_ptr(a, fmt_addr, fmt_size, false)
                       : NULL);

    if (!fmt) {
        a->fault = fault;
        return 0;
    }
    if (!memchr(fmt, '\0', fmt_size)) {
        return -EINVAL;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    int error = printk_format(a, fmt, args, n_args, &s);
    if (error) {
        ds_destroy(&s);
        return error;
    }
    ds_truncate(&s, PRINTK_MAX);

    size_t len = s.length;
    if (!VLOG_DROP_INFO(&rl)) {
        struct ds line = DS_EMPTY_INITIALIZER;

        ds_chomp(&s, '\n');
        for (size_t i = 0; i < s.length; i++) {
            unsigned char c = s.string[i];

            if (isprint(c)) {
                ds_put_char(&line, c);
            } else {
                ds_put_format(&line, "\\x%02x", c);
            }
        }
        VLOG_INFO("%s (program %s): %s", a->prog->file ? a->prog->file : "-",
                  a->prog->name ? a->prog->name : "-", ds_cstr(&line));
        ds_destroy(&line);
    }
    ds_destroy(&s);
    return len;
}

/* bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3): see printk(). */
uint64_t
bpf_interp_trace_printk(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                        uint64_t r5, struct bpf_interp_areas *a)
{
    const uint64_t args[3] = { r3, r4, r5 };

    return printk(a, r1, r2, args, ARRAY_SIZE(args),
                  "trace_printk: bad format argument");
}

/* bpf_trace_vprintk(fmt, fmt_size, data, data_len): as bpf_trace_printk(),
 * with the arguments in the 'data_len' bytes at 'data', 8 bytes each (at
 * most 12 arguments, else -EINVAL). */
uint64_t
bpf_interp_trace_vprintk(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                         uint64_t r5 OVS_UNUSED, struct bpf_interp_areas *a)
{
    uint32_t data_len = r4;
    uint64_t args[12];

    if (data_len % 8 || data_len > sizeof args || (data_len && !r3)) {
        return -EINVAL;
    }
    if (data_len) {
        const void *data = bpf_interp_mem_ptr(a, r3, data_len, false);

        if (!data) {
            a->fault = "trace_vprintk: bad data argument";
            return 0;
        }
        memcpy(args, data, data_len);
    }
    return printk(a, r1, r2, args, data_len / 8,
                  "trace_vprintk: bad format argument");
}
