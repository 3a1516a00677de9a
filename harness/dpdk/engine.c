/*
 * xb-dpdk-engine: the DPDK traffic engine of extbench.
 *
 * One process, one lcore.  Its ports are the virtual devices given to the
 * EAL (--vdev), in order: port 0, 1, ...  In a trial each port is a
 * virtio-user device whose vhost-user peer is an OVS dpdkvhostuserclient
 * port, so no packet crosses the kernel.  The process is driven by commands
 * on stdin, one per line, and answers each with one JSON line on stdout:
 *
 *   load FILE             the packets to send, in sending order: "XBPK", a
 *                         u32 count, then per packet u16 stream, u16 length
 *                         and the bytes (little endian).  Before it, "XBFE"
 *                         and field-engine programs (the run-time field
 *                         engine, see fe_run): a packet of length 0 is then
 *                         made by a program as it is sent, the u16 after its
 *                         length naming it.  Between the two, "XBSC" and
 *                         TRex's stream nodes (see struct node) make it a
 *                         timed schedule: TRex's bursts, gaps and chains,
 *                         each node sending its own packets in turn.
 *                         Each run starts every program and node afresh.
 *   probe FILE OFFSET     a latency probe template (same format, one packet);
 *                         each probe carries "XBLT", a sequence number and its
 *                         TSC send time at byte OFFSET
 *   pg STREAM PG KIND     packets of STREAM carry packet group PG's signature
 *                         (TRex's flow statistics: KIND 0 counts them, KIND 1
 *                         also times them, as STLFlowLatencyStats): its last
 *                         16 bytes become "XBPG", PG (u16), KIND (u16) and the
 *                         TSC send time (u64); every port counts the packets
 *                         and bytes of each group that arrive, and times them
 *   pg-listen             count the groups' packets that arrive, without
 *                         sending any (a receiving process of its own)
 *   pg-clear              no stream carries a signature, no group is counted
 *   tpg-conf FILE         TRex's Tagged Packet Groups (enable_tpg): "XBTG",
 *                         u32 number of tpgids, u32 number of tags, per tag
 *                         u16 type (1: Dot1Q, 2: QinQ) and its two VLANs
 *                         (Dot1Q: the second 0); tag i is tag id i.  Every
 *                         port counts the TPG packets that arrive per tpgid
 *                         and tag id (and unknown tag), with TRex's sequence
 *                         checks (see tpg_count)
 *   tpg STREAM TPGID      packets of STREAM carry TRex's TPG header in their
 *                         last 16 bytes: magic 0xE50B5CC1, TPGID, a sequence
 *                         number per tpgid (from 0 at each run), 0 (u32 each)
 *   tpg-clear             no TPG
 *   capture PORT N FILE   the next run writes the first N packets received on
 *                         PORT to FILE (pcap)
 *   run TX RATE DURATION PROBE_PPS
 *                         send the loaded packets in a loop from port TX for
 *                         DURATION seconds, paced at RATE packets/s (0: as fast
 *                         as the port takes them), with PROBE_PPS probes/s
 *                         (0: none); receive on every port meanwhile and until
 *                         no packet arrived for DRAIN_MS after sending stopped.
 *                         A timed schedule runs TRex's scheduler instead,
 *                         each packet sent at its time (RATE is ignored;
 *                         refused packets are lost, as paced ones are),
 *                         until no stream is active or DURATION
 *   warmup TX RATE [N]    send each loaded packet once (or N packets, looping),
 *                         paced at RATE
 *   dump N FILE [SKIP [DURATION]]
 *                         make the packets a run sends, in order, without
 *                         sending them: drop SKIP, write the next N to FILE
 *                         (pcap; "-": write none, to time the making).  Of a
 *                         timed schedule (until DURATION, default: until it
 *                         ends), with each packet's time (nanosecond pcap)
 *   listen DURATION       receive only, for DURATION seconds (then drain)
 *   stats                 every port's DPDK counters
 *   quit
 *
 * Pacing: at each turn of the loop the engine sends what is due by then
 * (elapsed TSC ticks × RATE), at most CATCH_UP bursts.  A paced packet that the
 * port's ring does not take is dropped and counted (ring_full): the ring is
 * the peer's receive queue, and a peer that falls behind loses packets there,
 * as a NIC's receive ring would.  Unpaced, a packet the ring does not take is
 * offered again (ring_full counts the refusals), so every packet is sent in
 * the loaded order.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#define BURST 32
#define CATCH_UP 8              /* Most bursts a paced turn sends. */
#define RING_SIZE 1024
#define N_MBUFS 16383
#define MAX_PORTS 16
#define MAX_PKT_LEN 9728        /* Bytes without FCS: 9216 and headers. */
#define N_JUMBO 4095            /* Mbufs of the pool for longer packets. */
#define MAX_SAMPLES (1 << 20)
#define DRAIN_MS 50
#define MAX_DRAIN_MS 2000
#define PROBE_MAGIC 0x544c4258u  /* "XBLT" in memory order. */
#define PG_MAGIC 0x47504258u     /* "XBPG" in memory order. */
#define PG_SIG_LEN 16
#define MAX_PGS 128
#define PG_HIST 64              /* Latency buckets: see pg_bucket(). */

struct packet {
    uint16_t stream;
    uint16_t len;
    int16_t prog;               /* Made by this program at run time, or -1. */
    uint8_t *data;              /* The packet (prog < 0). */
};

struct program;

/* A stream of a timed schedule: TRex's CGenNodeStateless as
 * harness/traffic/schedule.py replays it (the same arithmetic, in doubles).
 * It sends packets first .. first + count - 1 of its set in turn (one
 * packet of a program: made afresh each time). */
struct node {
    /* As loaded. */
    uint8_t kind;               /* NODE_CONTINUOUS, _SINGLE, _MULTI. */
    bool self_start, silent;
    uint32_t first, count;
    uint32_t burst, bursts;
    int32_t action0;            /* action_count. */
    int32_t next;               /* The node it starts when it ends, or -1. */
    double isg_s, gap_s, ibg_s;
    /* State. */
    double time;
    uint32_t left, bursts_left, pos;
    int32_t action;
    bool active;
};

enum { NODE_CONTINUOUS, NODE_SINGLE, NODE_MULTI };

struct heap_item {
    double time;
    uint64_t order;
    uint32_t node;
};

struct sched {
    struct node *nodes;
    uint32_t n_nodes;
    struct heap_item *heap;
    uint32_t n_heap;
    uint64_t order;
    uint32_t active;
    bool done;
};

struct packet_set {
    struct packet *pkts;
    struct sched *sched;        /* A timed schedule, or NULL: a loop. */
    uint32_t n;
    uint16_t n_streams;
    struct program *progs;      /* Run-time field-engine programs. */
    uint16_t n_progs;
    bool jumbo;                 /* Has packets longer than a 'pool' mbuf. */
};

struct capture {
    int port;                   /* -1: no capture. */
    uint32_t max;
    uint32_t n;
    FILE *file;
};

struct counters {
    uint64_t tx;                /* Packets the tx ring took. */
    uint64_t ring_full;         /* Refusals (unpaced) or drops (paced). */
    uint64_t tx_by_stream[UINT16_MAX + 1];
    uint64_t rx_by_port[MAX_PORTS];
    uint64_t probes_sent;
    uint64_t probes_dropped;
    uint64_t probes_received;
    uint64_t n_samples;
    uint64_t samples[MAX_SAMPLES];   /* Probe latencies, TSC ticks. */
};

/* A packet group (TRex's pg_id): what was sent with its signature and what
 * arrived with it, and for a latency group the arrivals' latency. */
struct pg {
    uint16_t id;
    uint16_t kind;              /* 0: counted, 1: counted and timed. */
    uint64_t tx, tx_bytes, tx_refused, tx_refused_bytes;
    uint64_t rx, rx_bytes;
    uint64_t lat_n, lat_sum, lat_min, lat_max;   /* TSC ticks. */
    double jitter;              /* RFC 3550, TSC ticks. */
    uint64_t last_transit;
    uint64_t hist[PG_HIST];
};

static struct pg pgs[MAX_PGS];
static uint16_t n_pgs;
static bool pg_listen;          /* Count arriving groups' packets. */
static int16_t pg_by_stream[UINT16_MAX + 1];    /* Index into pgs, or -1. */
static int16_t pg_by_id[UINT16_MAX + 1];        /* Index into pgs, or -1. */

/* Tagged Packet Groups (TRex's STLTaggedPktGroup; trex_tpg_stats.cpp). */
#define TPG_MAGIC 0xE50B5CC1u
#define TPG_LEN 16
#define TPG_MAX_CNTRS (1u << 22)    /* tpgids x (tags + 1), per port. */
#define TPG_DOT1Q 1
#define TPG_QINQ 2

struct tpg_cntr {
    uint64_t pkts, bytes, seq_err, seq_err_too_big, seq_err_too_small;
    uint64_t dup, ooo;
    uint32_t exp_seq;
};

static bool tpg_on;
static uint32_t tpg_n_ids, tpg_n_tags;
static int32_t tpg_by_stream[UINT16_MAX + 1];  /* tpgid, or -1. */
static int32_t tpg_dot1q[4096];                 /* Tag id of a VLAN, or -1. */
static uint64_t *tpg_qinq;      /* (outer << 12 | inner) << 16 | tag id,
                                 * sorted. */
static uint32_t tpg_n_qinq;
static uint32_t *tpg_seq;       /* Next sequence number per tpgid. */
static uint64_t *tpg_tx;        /* Packets and bytes per tpgid. */
static struct tpg_cntr *tpg_rx[MAX_PORTS];

static struct rte_mempool *pool;
/* Mbufs for packets longer than a 'pool' mbuf holds (jumbo frames), made at
 * the first load that has some. */
static struct rte_mempool *jumbo_pool;
static uint16_t n_ports;
static struct packet_set load_set, probe_set;
static uint32_t probe_offset;
static struct capture capture = { .port = -1 };
static struct counters counters;
static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
    (void) sig;
    stopping = 1;
}

static void
reply_error(const char *fmt, ...)
{
    char msg[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    for (char *p = msg; *p; p++) {
        if (*p == '"' || *p == '\\' || *p < ' ') {
            *p = ' ';
        }
    }
    printf("{\"ok\": false, \"error\": \"%s\"}\n", msg);
    fflush(stdout);
}

/* ---- The run-time field engine (harness/traffic/fecode.py encodes it). ----
 *
 * A program is a stream's field-engine program: its template, variables and
 * operations, run on a fresh copy of the template for each packet, as a TRex
 * core runs it, with harness/traffic/fieldengine.py's arithmetic (which is
 * TRex's).  The loaded set's programs start from their initial state at each
 * run. */

enum fe_kind {
    FE_INC, FE_DEC, FE_RANDOM, FE_LIST_INC, FE_LIST_DEC, FE_LIST_RANDOM,
    FE_RAND_LIMIT, FE_TUPLE, FE_N_KINDS
};

enum fe_code {
    OP_DEFINE = 1, OP_WRITE, OP_WRITE_MASK, OP_FIX_IPV4, OP_FIX_ICMPV6
};

#define FE_MAX_VARS 256
#define FE_MAX_OPS 1024
#define HW_L4_TCP 13
#define HW_L4_IP 17

/* A variable.  a[]: by kind (fecode._fields):
 *   FE_INC/DEC/RANDOM: lo, hi, step, value
 *   FE_LIST_*: lo (0), hi (n - 1), step, value, index
 *   FE_RAND_LIMIT: lo, hi, limit, value, seed, count, generator state
 *   FE_TUPLE: ip_lo, ip_hi, port_lo, port_hi, ip_step, port_step, limit,
 *             ip, port, flow number */
struct fe_var {
    uint8_t kind;
    uint8_t size;
    int16_t prev;               /* Advanced only when this one wrapped, or -1. */
    uint32_t n_values;
    const uint64_t *values;
    bool carry;                 /* The last advance wrapped around. */
    bool ran;                   /* It advanced in this packet. */
    uint64_t a[10];
};

struct fe_op {
    uint8_t code;
    uint8_t size;               /* Write: bytes; mask: the cast size. */
    uint8_t big;                /* Big endian. */
    uint8_t field;              /* Which a[] a write reads. */
    uint16_t var;
    uint16_t off;               /* Packet offset (checksums: L3 offset). */
    uint16_t aux;               /* ICMPv6: the L3 length. */
    uint16_t high;              /* Mask: read the variable's high half. */
    uint64_t add;
    uint32_t mask;
    int32_t shift;
};

struct fe_hw {
    uint16_t l3, l3_len;
    uint8_t l4_type;
};

struct program {
    uint16_t tlen, n_vars, n_ops, n_hw;
    int16_t trim;               /* The variable trim_pkt_size reads, or -1. */
    uint32_t rand, rand0;       /* The stream's generator (TRex's fastrand). */
    uint32_t cache, count;      /* Restart after 'cache' packets (0: never). */
    uint8_t *tmpl;
    struct fe_var *vars, *vars0;    /* State, initial state. */
    struct fe_op *ops;
    struct fe_hw *hw;
    uint64_t *values;
};

static inline uint32_t
fe_r16(uint32_t *s)
{
    *s = 214013u * *s + 2531011u;
    return (*s >> 16) & 0x7fff;
}

static inline uint32_t
fe_r32(uint32_t *s)
{
    uint32_t hi = fe_r16(s);

    return (hi << 16) + fe_r16(s);
}

static inline uint64_t
fe_r64(uint32_t *s)
{
    uint64_t hi = fe_r32(s);

    return (hi << 32) + fe_r32(s);
}

/* A draw in lo..hi as TRex makes it for a variable of 'size' bytes. */
static inline uint64_t
fe_ranged(uint32_t *s, uint8_t size, uint64_t lo, uint64_t hi)
{
    uint64_t r;

    if (lo == 0 && hi == UINT64_MAX) {
        return fe_r64(s);
    }
    r = size <= 2 ? fe_r16(s) : size == 4 ? fe_r32(s) : fe_r64(s);
    return lo + r % (hi - lo + 1);
}

static inline uint64_t
fe_inc_mod(uint64_t lo, uint64_t hi, uint64_t cur, uint64_t step)
{
    return step <= hi - cur ? cur + step : lo + (step - (hi - cur) - 1);
}

static inline uint64_t
fe_dec_mod(uint64_t lo, uint64_t hi, uint64_t cur, uint64_t step)
{
    return step <= cur - lo ? cur - step : hi - (step - (cur - lo) - 1);
}

static void
fe_advance(struct program *pr, struct fe_var *v)
{
    uint64_t *a = v->a;

    switch (v->kind) {
    case FE_INC:
        v->carry = a[2] > a[1] - a[3];
        a[3] = fe_inc_mod(a[0], a[1], a[3], a[2]);
        break;
    case FE_DEC:
        v->carry = a[2] > a[3] - a[0];
        a[3] = fe_dec_mod(a[0], a[1], a[3], a[2]);
        break;
    case FE_RANDOM:
        a[3] = fe_ranged(&pr->rand, v->size, a[0], a[1]);
        v->carry = false;
        break;
    case FE_LIST_INC:
        a[3] = v->values[a[4]];
        v->carry = a[4] < a[2];
        a[4] = (a[4] + a[2]) % v->n_values;
        break;
    case FE_LIST_DEC:
        a[3] = v->values[a[4]];
        v->carry = a[4] + a[2] >= v->n_values;
        a[4] = (a[4] + v->n_values - a[2]) % v->n_values;
        break;
    case FE_LIST_RANDOM:
        a[3] = v->values[fe_r16(&pr->rand) % v->n_values];
        v->carry = false;
        break;
    case FE_RAND_LIMIT: {
        uint32_t s = a[6];

        if (a[5] == a[2]) {
            s = a[4];
            a[5] = 0;
        }
        v->carry = a[5] == 0;
        a[3] = fe_ranged(&s, v->size, a[0], a[1]);
        a[6] = s;
        a[5]++;
        break;
    }
    case FE_TUPLE: {
        bool of = a[4] > a[1] - a[7];

        a[7] = fe_inc_mod(a[0], a[1], a[7], a[4]);
        a[8] = fe_inc_mod(a[2], a[3], a[8], a[5]);
        if (of) {
            a[8] = fe_inc_mod(a[2], a[3], a[8], 1);
        }
        if (a[6]) {
            if (++a[9] > a[6]) {
                a[9] = 1;
                a[7] = a[0];
                a[8] = a[2];
            }
        }
        break;
    }
    }
}

static inline uint64_t
get_bytes(const uint8_t *p, unsigned n, bool big)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t) p[big ? i : n - 1 - i] << (8 * (n - 1 - i));
    }
    return v;
}

static inline void
put_bytes(uint8_t *p, unsigned n, bool big, uint64_t v)
{
    for (unsigned i = 0; i < n; i++) {
        p[big ? n - 1 - i : i] = v >> (8 * i);
    }
}

/* The ones' complement sum of 'n' bytes at 'p' (big-endian words, an odd
 * last byte padded with zero) added to 'sum', not folded.  DPDK's sum is of
 * words in host order: the sum of the swapped words is the swapped sum. */
static inline uint64_t
sum_bytes(const uint8_t *p, int n, uint64_t sum)
{
    return sum + rte_be_to_cpu_16(rte_raw_cksum(p, n));
}

static inline uint16_t
fold(uint64_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* fieldengine._fix_ipv4 on the 'len' bytes at 'd'. */
static void
fix_ipv4(uint8_t *d, int len, int off)
{
    int ihl, n;

    if (off + 12 > len) {
        return;
    }
    ihl = (d[off] & 0x0f) * 4;
    n = off + ihl > len ? len - off : ihl;
    d[off + 10] = d[off + 11] = 0;
    put_bytes(d + off + 10, 2, true, (uint16_t) ~fold(sum_bytes(d + off, n, 0)));
}

/* fieldengine._l4_checksum: the checksum at 'at' of the 'length' bytes at
 * 'l4', with a pseudo header of the 'n_addr' address bytes at 'addr', the
 * protocol and the length (IPv4: 2 bytes, IPv6: 4). */
static void
l4_checksum(uint8_t *d, int len, int at, const uint8_t *addr, int n_addr,
            uint8_t proto, int l4, int length, bool zero_is_ffff)
{
    uint64_t sum;
    uint16_t csum;
    int n;

    if (length < 0 || at + 2 > len) {
        return;
    }
    d[at] = d[at + 1] = 0;
    /* The pseudo header's protocol and length (IPv6: 4 bytes of length). */
    sum = sum_bytes(addr, n_addr, 0) + proto + ((uint32_t) length & 0xffff)
          + (n_addr == 32 ? (uint32_t) length >> 16 : 0);
    n = l4 + length > len ? len - l4 : length;
    sum = sum_bytes(d + l4, n < 0 ? 0 : n, sum);
    csum = ~fold(sum);
    if (zero_is_ffff && csum == 0) {
        csum = 0xffff;
    }
    put_bytes(d + at, 2, true, csum);
}

static void
fix_icmpv6(uint8_t *d, int len, int l3, int l3_len)
{
    int l4 = l3 + l3_len;
    int length = (int) get_bytes(d + l3 + 4, 2, true) - (l3_len - 40);
    uint8_t addr[32];

    memcpy(addr, d + l3 + 8, 32);
    l4_checksum(d, len, l4 + 2, addr, 32, 58, l4, length, false);
}

/* fieldengine._fix_hw: the checksums a NIC computes, on the packet as it
 * leaves (after trimming). */
static void
fix_hw(uint8_t *d, int len, const struct fe_hw *h)
{
    int l3 = h->l3, version = d[l3] >> 4;
    uint8_t addr[32];

    if (version == 4 && l3 + 20 <= len) {
        uint8_t proto = d[l3 + 9];
        int ihl = (d[l3] & 0x0f) * 4, tot = get_bytes(d + l3 + 2, 2, true);
        int l4 = l3 + ihl, length;

        fix_ipv4(d, len, l3);
        if ((proto != 6 && proto != 17) || h->l4_type == HW_L4_IP) {
            return;
        }
        length = (tot < len - l3 ? tot : len - l3) - ihl;
        memcpy(addr, d + l3 + 12, 8);
        l4_checksum(d, len, l4 + (proto == 6 ? 16 : 6), addr, 8, proto, l4,
                    length, proto == 17);
    } else if (version == 6 && l3 + 40 <= len) {
        uint8_t proto = h->l4_type == HW_L4_TCP ? 6 : 17;
        int l4 = l3 + h->l3_len, plen = get_bytes(d + l3 + 4, 2, true) + 40;
        int length = (plen < len - l3 ? plen : len - l3) - h->l3_len;

        memcpy(addr, d + l3 + 8, 32);
        l4_checksum(d, len, l4 + (proto == 6 ? 16 : 6), addr, 32, proto, l4,
                    length, true);
    }
}

/* Runs program 'pr' on the copy of its template at 'd'; returns the packet's
 * length (trim_pkt_size may cut it). */
static uint16_t
fe_run(struct program *pr, uint8_t *d)
{
    int len = pr->tlen;

    if (pr->cache && pr->count++ == pr->cache) {
        memcpy(pr->vars, pr->vars0, pr->n_vars * sizeof *pr->vars);
        pr->rand = pr->rand0;
        pr->count = 1;
    }
    for (const struct fe_op *op = pr->ops; op < pr->ops + pr->n_ops; op++) {
        struct fe_var *v = &pr->vars[op->var];

        switch (op->code) {
        case OP_DEFINE:
            if (v->prev >= 0 && !(pr->vars[v->prev].ran
                                  && pr->vars[v->prev].carry)) {
                v->ran = false;
            } else {
                fe_advance(pr, v);
                v->ran = true;
            }
            break;
        case OP_WRITE:
            put_bytes(d + op->off, op->size, op->big, v->a[op->field] + op->add);
            break;
        case OP_WRITE_MASK: {
            uint32_t val = (uint32_t) ((op->high ? v->a[op->field] >> 32
                                        : v->a[op->field]) + op->add);
            uint64_t cur, cast_mask = (1ull << (8 * op->size)) - 1;

            if (op->shift >= 32 || op->shift <= -32) {
                val = 0;
            } else if (op->shift > 0) {
                val <<= op->shift;
            } else {
                val >>= -op->shift;
            }
            cur = get_bytes(d + op->off, op->size, op->big);
            put_bytes(d + op->off, op->size, op->big,
                      ((cur & ~(uint64_t) op->mask) | (val & op->mask)) & cast_mask);
            break;
        }
        case OP_FIX_IPV4:
            fix_ipv4(d, len, op->off);
            break;
        case OP_FIX_ICMPV6:
            fix_icmpv6(d, len, op->off, op->aux);
            break;
        }
    }
    if (pr->trim >= 0 && pr->vars[pr->trim].a[3] < (uint64_t) len) {
        len = pr->vars[pr->trim].a[3];
    }
    for (uint16_t i = 0; i < pr->n_hw; i++) {
        fix_hw(d, len, &pr->hw[i]);
    }
    return len;
}

/* Every program of 'set' back to its initial state. */
static void
fe_reset(struct packet_set *set)
{
    for (uint16_t i = 0; i < set->n_progs; i++) {
        struct program *pr = &set->progs[i];

        memcpy(pr->vars, pr->vars0, pr->n_vars * sizeof *pr->vars);
        pr->rand = pr->rand0;
        pr->count = 0;
    }
}

static void
free_set(struct packet_set *set)
{
    for (uint32_t i = 0; i < set->n; i++) {
        free(set->pkts[i].data);
    }
    for (uint16_t i = 0; i < set->n_progs; i++) {
        struct program *pr = &set->progs[i];

        free(pr->tmpl);
        free(pr->vars);
        free(pr->vars0);
        free(pr->ops);
        free(pr->hw);
        free(pr->values);
    }
    free(set->progs);
    free(set->pkts);
    if (set->sched) {
        free(set->sched->nodes);
        free(set->sched->heap);
        free(set->sched);
    }
    memset(set, 0, sizeof *set);
}

static inline uint16_t
rd16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static inline uint32_t
rd32(const uint8_t *p)
{
    return rd16(p) | (uint32_t) rd16(p + 2) << 16;
}

static inline uint64_t
rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t) rd32(p + 4) << 32;
}

/* Reads program 'pr' (fecode.encode's layout) from 'f' and checks that it
 * stays within its template and tables.  Returns NULL or what is wrong. */
static const char *
read_program(FILE *f, struct program *pr)
{
    uint8_t h[24], b[92];
    uint32_t n_values;

    if (fread(h, sizeof h, 1, f) != 1) {
        return "truncated program header";
    }
    pr->tlen = rd16(h);
    pr->n_vars = rd16(h + 2);
    pr->n_ops = rd16(h + 4);
    pr->n_hw = rd16(h + 6);
    pr->trim = (int16_t) rd16(h + 8);
    pr->rand0 = pr->rand = rd32(h + 12);
    pr->cache = rd32(h + 16);
    n_values = rd32(h + 20);
    if (pr->tlen < 14 || pr->tlen > MAX_PKT_LEN || pr->n_vars > FE_MAX_VARS
        || pr->n_ops > FE_MAX_OPS || pr->n_hw > FE_MAX_OPS
        || n_values > (1u << 24) || pr->trim >= pr->n_vars) {
        return "template length, counts or trim variable out of range";
    }
    pr->tmpl = malloc(pr->tlen);
    pr->vars = calloc(pr->n_vars + 1, sizeof *pr->vars);
    pr->vars0 = calloc(pr->n_vars + 1, sizeof *pr->vars0);
    pr->ops = calloc(pr->n_ops + 1, sizeof *pr->ops);
    pr->hw = calloc(pr->n_hw + 1, sizeof *pr->hw);
    pr->values = calloc(n_values + 1, sizeof *pr->values);
    if (!pr->tmpl || !pr->vars || !pr->vars0 || !pr->ops || !pr->hw
        || !pr->values) {
        return "out of memory";
    }
    if (fread(pr->tmpl, 1, pr->tlen, f) != pr->tlen) {
        return "truncated template";
    }
    for (uint16_t i = 0; i < pr->n_vars; i++) {
        struct fe_var *v = &pr->vars0[i];
        uint32_t off, n;

        if (fread(b, 92, 1, f) != 1) {
            return "truncated variable";
        }
        v->kind = b[0];
        v->size = b[1];
        v->prev = (int16_t) rd16(b + 2);
        off = rd32(b + 4);
        n = rd32(b + 8);
        for (int j = 0; j < 10; j++) {
            v->a[j] = rd64(b + 12 + 8 * j);
        }
        if (v->kind >= FE_N_KINDS || v->prev >= pr->n_vars
            || (v->size != 1 && v->size != 2 && v->size != 4 && v->size != 8)
            || off > n_values || n > n_values - off) {
            return "bad variable kind, size, next_var or value list";
        }
        if (v->kind >= FE_LIST_INC && v->kind <= FE_LIST_RANDOM
            && (!n || v->a[2] >= n || v->a[4] >= n)) {
            return "bad value list, step or index";
        }
        if ((v->kind == FE_INC || v->kind == FE_DEC || v->kind == FE_RANDOM
             || v->kind == FE_RAND_LIMIT) && v->a[0] > v->a[1]) {
            return "variable's minimum above its maximum";
        }
        if (v->kind == FE_TUPLE && (v->a[0] > v->a[1] || v->a[2] > v->a[3])) {
            return "tuple's minimum above its maximum";
        }
        v->n_values = n;
        v->values = pr->values + off;
    }
    for (uint16_t i = 0; i < pr->n_ops; i++) {
        struct fe_op *op = &pr->ops[i];
        unsigned end;

        if (fread(b, 28, 1, f) != 1) {
            return "truncated operation";
        }
        op->code = b[0];
        op->size = b[1];
        op->big = b[2];
        op->field = b[3];
        op->var = rd16(b + 4);
        op->off = rd16(b + 6);
        op->aux = rd16(b + 8);
        op->high = rd16(b + 10);
        op->add = rd64(b + 12);
        op->mask = rd32(b + 20);
        op->shift = (int32_t) rd32(b + 24);
        end = op->code == OP_WRITE || op->code == OP_WRITE_MASK
              ? op->off + op->size
              : op->code == OP_FIX_IPV4 ? op->off + 20u
              : op->code == OP_FIX_ICMPV6
              ? op->off + (op->aux > 40 ? op->aux : 40) + 4u : 0;
        if (op->code < OP_DEFINE || op->code > OP_FIX_ICMPV6
            || op->var >= pr->n_vars || op->field >= 10 || end > pr->tlen
            || (op->code == OP_WRITE && op->size != 1 && op->size != 2
                && op->size != 4 && op->size != 8)
            || (op->code == OP_WRITE_MASK && op->size != 1 && op->size != 2
                && op->size != 4)) {
            return "bad operation, variable, size or offset past the template";
        }
    }
    for (uint16_t i = 0; i < pr->n_hw; i++) {
        struct fe_hw *hw = &pr->hw[i];

        if (fread(b, 6, 1, f) != 1) {
            return "truncated checksum fix";
        }
        hw->l3 = rd16(b);
        hw->l3_len = rd16(b + 2);
        hw->l4_type = b[4];
        if (hw->l3 + 40u > pr->tlen) {
            return "checksum fix past the template";
        }
    }
    for (uint32_t i = 0; i < n_values; i++) {
        if (fread(b, 8, 1, f) != 1) {
            return "truncated value list";
        }
        pr->values[i] = rd64(b);
    }
    memcpy(pr->vars, pr->vars0, pr->n_vars * sizeof *pr->vars);
    return NULL;
}

/* Reads the "XBSC" section's nodes (after its magic) from 'f' into a new
 * schedule of 'set'.  Returns NULL or what is wrong. */
static const char *
read_sched(FILE *f, struct packet_set *set)
{
    struct sched *sc = calloc(1, sizeof *sc);
    uint8_t b[52];
    uint32_t n;

    set->sched = sc;
    if (!sc || fread(&n, 4, 1, f) != 1 || !n || n > UINT16_MAX) {
        return "bad node count";
    }
    sc->nodes = calloc(n, sizeof *sc->nodes);
    sc->heap = calloc(n, sizeof *sc->heap);
    if (!sc->nodes || !sc->heap) {
        return "out of memory";
    }
    sc->n_nodes = n;
    for (uint32_t i = 0; i < n; i++) {
        struct node *nd = &sc->nodes[i];

        if (fread(b, sizeof b, 1, f) != 1) {
            return "truncated node";
        }
        nd->kind = b[0];
        nd->self_start = b[1] & 1;
        nd->silent = b[1] & 2;
        nd->first = rd32(b + 4);
        nd->count = rd32(b + 8);
        nd->burst = rd32(b + 12);
        nd->bursts = rd32(b + 16);
        nd->action0 = (int32_t) rd32(b + 20);
        nd->next = (int32_t) rd32(b + 24);
        memcpy(&nd->isg_s, b + 28, 8);
        memcpy(&nd->gap_s, b + 36, 8);
        memcpy(&nd->ibg_s, b + 44, 8);
        if (nd->kind > NODE_MULTI || !nd->count
            || nd->next < -1 || nd->next >= (int32_t) n
            || (nd->kind != NODE_CONTINUOUS && (!nd->burst || !nd->bursts))
            || !(nd->gap_s > 0 && nd->gap_s < 1e9)
            || !(nd->isg_s >= 0 && nd->isg_s < 1e9)
            || !(nd->ibg_s >= 0 && nd->ibg_s < 1e9)) {
            return "bad node mode, packets, next node, burst or gap";
        }
    }
    return NULL;
}

/* Reads packet file 'path' into 'set'.  Returns 0 or an errno value, with a
 * message in 'err'.  The file may start with programs ("XBFE", fecode.py);
 * a packet of length 0 is then made at run time by the program whose u16
 * index follows its length.  Nodes ("XBSC") make it a timed schedule. */
static int
read_set(const char *path, struct packet_set *set, char *err, size_t errlen)
{
    struct packet_set new = { 0 };
    uint8_t magic[4];
    uint32_t n;
    FILE *f = fopen(path, "rb");

    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno;
    }
    if (fread(magic, 1, 4, f) != 4) {
        memset(magic, 0, 4);
    }
    if (!memcmp(magic, "XBFE", 4)) {
        uint32_t n_progs;

        if (fread(&n_progs, 4, 1, f) != 1 || !n_progs || n_progs > UINT16_MAX
            || !(new.progs = calloc(n_progs, sizeof *new.progs))) {
            snprintf(err, errlen, "%s: bad program count", path);
            goto error;
        }
        for (uint32_t i = 0; i < n_progs; i++) {
            const char *why = read_program(f, &new.progs[i]);

            new.n_progs = i + 1;
            if (why) {
                snprintf(err, errlen, "%s: program %"PRIu32": %s", path, i, why);
                goto error;
            }
        }
        if (fread(magic, 1, 4, f) != 4) {
            memset(magic, 0, 4);
        }
    }
    if (!memcmp(magic, "XBSC", 4)) {
        const char *why = read_sched(f, &new);

        if (why) {
            snprintf(err, errlen, "%s: schedule: %s", path, why);
            goto error;
        }
        if (fread(magic, 1, 4, f) != 4) {
            memset(magic, 0, 4);
        }
    }
    if (memcmp(magic, "XBPK", 4) || fread(&n, 4, 1, f) != 1 || n == 0) {
        snprintf(err, errlen, "%s: not a packet file (XBPK header)", path);
        goto error;
    }
    new.pkts = calloc(n, sizeof *new.pkts);
    if (!new.pkts) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto error;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct packet *p = &new.pkts[i];
        uint16_t hdr[2];

        new.n = i + 1;
        if (fread(hdr, 2, 2, f) != 2
            || (hdr[1] && (hdr[1] < 14 || hdr[1] > MAX_PKT_LEN))) {
            snprintf(err, errlen, "%s: packet %"PRIu32" truncated or of bad "
                     "length", path, i);
            goto error;
        }
        p->stream = hdr[0];
        p->len = hdr[1];
        p->prog = -1;
        if (!p->len) {
            uint16_t prog = 0;

            if (fread(&prog, 2, 1, f) != 1 || prog >= new.n_progs) {
                snprintf(err, errlen, "%s: packet %"PRIu32": no program %u", path, i,
                         (unsigned) prog);
                goto error;
            }
            p->prog = prog;
            p->len = new.progs[prog].tlen;
        } else {
            p->data = malloc(p->len);
            if (!p->data || fread(p->data, 1, p->len, f) != p->len) {
                snprintf(err, errlen, "%s: packet %"PRIu32" truncated", path, i);
                goto error;
            }
        }
        if (p->stream >= new.n_streams) {
            new.n_streams = p->stream + 1;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        new.jumbo |= new.pkts[i].len > rte_pktmbuf_data_room_size(pool)
                                       - RTE_PKTMBUF_HEADROOM;
    }
    if (new.jumbo && !jumbo_pool) {
        jumbo_pool = rte_pktmbuf_pool_create("xb_jumbo", N_JUMBO, 256, 0,
                                             MAX_PKT_LEN + RTE_PKTMBUF_HEADROOM,
                                             rte_socket_id());
        if (!jumbo_pool) {
            snprintf(err, errlen, "%s: no memory for %d mbufs of %d bytes "
                     "(packets above %u bytes): %s", path, N_JUMBO, MAX_PKT_LEN,
                     rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM,
                     rte_strerror(rte_errno));
            goto error;
        }
    }
    for (uint32_t i = 0; new.sched && i < new.sched->n_nodes; i++) {
        const struct node *nd = &new.sched->nodes[i];

        if (nd->first >= n || nd->count > n - nd->first) {
            snprintf(err, errlen, "%s: node %"PRIu32": packets %"PRIu32
                     " + %"PRIu32" past the %"PRIu32" loaded", path, i,
                     nd->first, nd->count, n);
            goto error;
        }
    }
    fclose(f);
    free_set(set);
    *set = new;
    return 0;

error:
    fclose(f);
    free_set(&new);
    return EINVAL;
}

/* ---- The timed schedule: TRex's stream scheduler (schedule.py). ---- */

static bool
heap_less(const struct heap_item *a, const struct heap_item *b)
{
    return a->time < b->time || (a->time == b->time && a->order < b->order);
}

static void
heap_push(struct sched *sc, double time, uint64_t order, uint32_t node)
{
    uint32_t i = sc->n_heap++;

    sc->heap[i] = (struct heap_item) { time, order, node };
    while (i && heap_less(&sc->heap[i], &sc->heap[(i - 1) / 2])) {
        struct heap_item t = sc->heap[i];

        sc->heap[i] = sc->heap[(i - 1) / 2];
        sc->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static struct heap_item
heap_pop(struct sched *sc)
{
    struct heap_item top = sc->heap[0];
    uint32_t i = 0;

    sc->heap[0] = sc->heap[--sc->n_heap];
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, min = i;

        if (l < sc->n_heap && heap_less(&sc->heap[l], &sc->heap[min])) {
            min = l;
        }
        if (r < sc->n_heap && heap_less(&sc->heap[r], &sc->heap[min])) {
            min = r;
        }
        if (min == i) {
            return top;
        }
        struct heap_item t = sc->heap[i];

        sc->heap[i] = sc->heap[min];
        sc->heap[min] = t;
        i = min;
    }
}

/* Every node back to its start: self-starting ones queued at their isg. */
static void
sched_reset(struct sched *sc)
{
    uint32_t queued = 0;

    sc->n_heap = 0;
    sc->active = 0;
    sc->done = false;
    for (uint32_t i = 0; i < sc->n_nodes; i++) {
        struct node *nd = &sc->nodes[i];

        nd->time = nd->isg_s;
        nd->left = nd->burst;
        nd->bursts_left = nd->bursts;
        nd->pos = 0;
        nd->action = nd->action0;
        nd->active = nd->self_start;
        if (nd->active) {
            heap_push(sc, nd->time, i, i);
            queued++;
        }
    }
    sc->active = queued;
    sc->order = queued;
}

/* Takes the next node off the queue, as schedule.schedule does, and
 * reschedules it (or starts its next node).  Returns 1 if it sends a packet
 * (its node in '*node', its time in '*t'), 0 if not (a silent node), -1 if
 * the traffic stopped or reached 'duration_s' (0: no end). */
static int
sched_step(struct sched *sc, double duration_s, uint32_t *node, double *t)
{
    struct heap_item it;
    struct node *nd;
    bool emit;

    if (!sc->n_heap || !sc->active) {
        sc->done = true;
        return -1;
    }
    if (duration_s > 0 && sc->heap[0].time >= duration_s) {
        sc->done = true;
        return -1;
    }
    it = heap_pop(sc);
    nd = &sc->nodes[it.node];
    emit = !nd->silent;
    *node = it.node;
    *t = it.time;
    if (nd->kind == NODE_CONTINUOUS) {
        nd->time = it.time + nd->gap_s;
    } else if (--nd->left > 0) {
        nd->time = it.time + nd->gap_s;
    } else if (--nd->bursts_left > 0) {
        nd->time = it.time + nd->ibg_s;
        nd->left = nd->burst;
    } else {
        struct node *nxt = nd->next >= 0 ? &sc->nodes[nd->next] : NULL;

        /* TRex's set_stateless_next_node. */
        nd->active = false;
        if (nxt && !nxt->active && nd->action > 0 && --nd->action == 0) {
            nxt = NULL;
        }
        if (!nxt || nxt->active) {
            sc->active--;
            return emit;
        }
        nxt->left = nxt->burst;
        nxt->bursts_left = nxt->bursts;
        nxt->active = true;
        nxt->time = it.time + nxt->isg_s;
        nd = nxt;
    }
    heap_push(sc, nd->time, ++sc->order, nd - sc->nodes);
    return emit;
}

/* A pcap header: microsecond timestamps, or nanosecond ones if 'ns'. */
static void
write_pcap_header(FILE *f, bool ns)
{
    uint32_t magic = ns ? 0xa1b23c4d : 0xa1b2c3d4;
    uint32_t hdr[6] = { magic, 0x00040002, 0, 0, 65535, 1 };

    fwrite(hdr, sizeof hdr, 1, f);
}

static void
capture_packet(const struct rte_mbuf *m)
{
    uint32_t len = rte_pktmbuf_pkt_len(m);
    uint8_t buf[MAX_PKT_LEN];
    const uint8_t *data = rte_pktmbuf_read(m, 0, len < sizeof buf ? len
                                           : sizeof buf, buf);
    struct timespec ts;
    uint32_t rec[4];

    clock_gettime(CLOCK_REALTIME, &ts);
    rec[0] = ts.tv_sec;
    rec[1] = ts.tv_nsec / 1000;
    rec[2] = len < sizeof buf ? len : sizeof buf;
    rec[3] = len;
    fwrite(rec, sizeof rec, 1, capture.file);
    fwrite(data, 1, rec[2], capture.file);
    if (++capture.n >= capture.max) {
        fclose(capture.file);
        capture.file = NULL;
        capture.port = -1;
    }
}

/* Returns the index of packet group 'id' of 'kind', added if it is new, or -1
 * if MAX_PGS groups exist or 'id' has another kind. */
static int
pg_find_or_add(uint16_t id, uint16_t kind)
{
    int i = pg_by_id[id];

    if (i < 0) {
        if (n_pgs >= MAX_PGS) {
            return -1;
        }
        i = n_pgs++;
        memset(&pgs[i], 0, sizeof pgs[i]);
        pgs[i].id = id;
        pgs[i].kind = kind;
        pg_by_id[id] = i;
    }
    return pgs[i].kind == kind ? i : -1;
}

static void
pg_clear(void)
{
    n_pgs = 0;
    pg_listen = false;
    memset(pg_by_stream, 0xff, sizeof pg_by_stream);
    memset(pg_by_id, 0xff, sizeof pg_by_id);
}

static void
tpg_clear(void)
{
    tpg_on = false;
    for (uint16_t p = 0; p < MAX_PORTS; p++) {
        free(tpg_rx[p]);
        tpg_rx[p] = NULL;
    }
    free(tpg_qinq);
    free(tpg_seq);
    free(tpg_tx);
    tpg_qinq = NULL;
    tpg_seq = NULL;
    tpg_tx = NULL;
    tpg_n_ids = tpg_n_tags = tpg_n_qinq = 0;
    memset(tpg_by_stream, 0xff, sizeof tpg_by_stream);
    memset(tpg_dot1q, 0xff, sizeof tpg_dot1q);
}

static int
cmp_u64(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;

    return a < b ? -1 : a > b;
}

/* Reads a TPG configuration (the "tpg-conf" command's FILE) and enables TPG
 * with fresh counters.  Returns NULL or what is wrong. */
static const char *
tpg_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t h[12], t[6];
    const char *why = NULL;

    tpg_clear();
    if (!f) {
        return "cannot open the file";
    }
    if (fread(h, sizeof h, 1, f) != 1 || memcmp(h, "XBTG", 4)) {
        why = "not a TPG configuration (XBTG header)";
        goto out;
    }
    tpg_n_ids = rd32(h + 4);
    tpg_n_tags = rd32(h + 8);
    if (!tpg_n_ids || tpg_n_tags > UINT16_MAX
        || (uint64_t) tpg_n_ids * (tpg_n_tags + 1) > TPG_MAX_CNTRS) {
        why = "bad number of tpgids or tags";
        goto out;
    }
    tpg_qinq = calloc(tpg_n_tags + 1, sizeof *tpg_qinq);
    tpg_seq = calloc(tpg_n_ids, sizeof *tpg_seq);
    tpg_tx = calloc(2 * (size_t) tpg_n_ids, sizeof *tpg_tx);
    for (uint16_t p = 0; p < n_ports; p++) {
        tpg_rx[p] = calloc((size_t) tpg_n_ids * (tpg_n_tags + 1),
                           sizeof *tpg_rx[p]);
        if (!tpg_rx[p]) {
            why = "out of memory";
            goto out;
        }
    }
    if (!tpg_qinq || !tpg_seq || !tpg_tx) {
        why = "out of memory";
        goto out;
    }
    for (uint32_t i = 0; i < tpg_n_tags; i++) {
        uint16_t type, v1, v2;

        if (fread(t, sizeof t, 1, f) != 1) {
            why = "truncated tag";
            goto out;
        }
        type = rd16(t);
        v1 = rd16(t + 2);
        v2 = rd16(t + 4);
        if (!v1 || v1 > 4094 || (type == TPG_QINQ && (!v2 || v2 > 4094))
            || (type != TPG_DOT1Q && type != TPG_QINQ)) {
            why = "bad tag type or VLAN (1 to 4094)";
            goto out;
        }
        if (type == TPG_DOT1Q) {
            if (tpg_dot1q[v1] >= 0) {
                why = "a Dot1Q tag given twice";
                goto out;
            }
            tpg_dot1q[v1] = i;
        } else {
            tpg_qinq[tpg_n_qinq++] = ((uint64_t) v1 << 12 | v2) << 16 | i;
        }
    }
    qsort(tpg_qinq, tpg_n_qinq, sizeof *tpg_qinq, cmp_u64);
    for (uint32_t i = 1; i < tpg_n_qinq; i++) {
        if (tpg_qinq[i] >> 16 == tpg_qinq[i - 1] >> 16) {
            why = "a QinQ tag given twice";
            goto out;
        }
    }
    tpg_on = true;
out:
    fclose(f);
    if (why) {
        tpg_clear();
    }
    return why;
}

/* The tag id of QinQ VLANs 'outer', 'inner', or -1. */
static int32_t
tpg_qinq_tag(uint16_t outer, uint16_t inner)
{
    uint64_t key = (uint64_t) outer << 12 | inner;
    uint32_t lo = 0, hi = tpg_n_qinq;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (tpg_qinq[mid] >> 16 < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < tpg_n_qinq && tpg_qinq[lo] >> 16 == key
           ? (int32_t) (tpg_qinq[lo] & 0xffff) : -1;
}

/* TRex's CTPGTagCntr::update_cntrs: a packet of 'len' bytes (without FCS)
 * with sequence number 'seq'. */
static void
tpg_count(struct tpg_cntr *c, uint32_t seq, uint32_t len)
{
    if (seq > c->exp_seq) {
        c->seq_err += seq - c->exp_seq;
        c->seq_err_too_big++;
        c->exp_seq = seq + 1;
    } else if (seq == c->exp_seq) {
        c->exp_seq = seq + 1;
    } else {
        if (seq == c->exp_seq - 1) {
            c->dup++;
        } else {
            c->ooo++;
            if (c->seq_err > 0) {
                c->seq_err--;
            }
        }
        c->seq_err_too_small++;
    }
    c->pkts++;
    c->bytes += len + 4;        /* With the FCS, as TRex counts. */
}

/* Counts packet 'm' arriving on 'port' if its last bytes are a TPG header:
 * under the tag id of its VLANs (TRex's RxTPGPerPort::handle_pkt: one
 * 802.1Q tag is Dot1Q, two are QinQ), or as unknown tag (no tag, or one not
 * configured). */
static void
tpg_receive(const struct rte_mbuf *m, uint16_t port)
{
    uint32_t len = rte_pktmbuf_pkt_len(m), h[4];
    const uint32_t *hdr;
    const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
    uint16_t dlen = rte_pktmbuf_data_len(m);
    int32_t tag = -1;

    if (len < 14 + TPG_LEN) {
        return;
    }
    hdr = rte_pktmbuf_read(m, len - TPG_LEN, TPG_LEN, h);
    if (!hdr || hdr[0] != TPG_MAGIC || hdr[1] >= tpg_n_ids) {
        return;
    }
    if (dlen >= 22 && (get_bytes(d + 12, 2, true) == 0x8100
                       || get_bytes(d + 12, 2, true) == 0x88a8)) {
        uint16_t v1 = get_bytes(d + 14, 2, true) & 0xfff;

        if (get_bytes(d + 16, 2, true) == 0x8100) {
            if (dlen >= 20) {
                tag = tpg_qinq_tag(v1, get_bytes(d + 18, 2, true) & 0xfff);
            }
        } else {
            tag = tpg_dot1q[v1];
        }
    }
    tpg_count(&tpg_rx[port][(size_t) hdr[1] * (tpg_n_tags + 1)
                            + (tag >= 0 ? (uint32_t) tag : tpg_n_tags)],
              hdr[2], len);
}

/* Writes stream 'stream''s TPG header (its tpgid's next sequence number)
 * into the last bytes of the 'len' bytes at 'd'. */
static inline void
tpg_sign(uint8_t *d, uint16_t len, uint32_t tpgid)
{
    uint32_t h[4] = { TPG_MAGIC, tpgid, tpg_seq[tpgid]++, 0 };

    memcpy(d + len - TPG_LEN, h, TPG_LEN);
}

/* Every TPG counter and sequence number back to 0. */
static void
tpg_reset(void)
{
    if (!tpg_on) {
        return;
    }
    memset(tpg_seq, 0, tpg_n_ids * sizeof *tpg_seq);
    memset(tpg_tx, 0, 2 * (size_t) tpg_n_ids * sizeof *tpg_tx);
    for (uint16_t p = 0; p < n_ports; p++) {
        memset(tpg_rx[p], 0,
               (size_t) tpg_n_ids * (tpg_n_tags + 1) * sizeof *tpg_rx[p]);
    }
}

/* The TPG counters that are not zero, in the run's reply. */
static void
tpg_reply(void)
{
    bool first = true;

    printf(", \"tpg\": {\"tx\": [");
    for (uint32_t i = 0; tpg_on && i < tpg_n_ids; i++) {
        if (tpg_tx[2 * i]) {
            printf("%s[%"PRIu32", %"PRIu64", %"PRIu64"]", first ? "" : ", ",
                   i, tpg_tx[2 * i], tpg_tx[2 * i + 1]);
            first = false;
        }
    }
    printf("], \"rx\": [");
    first = true;
    for (uint16_t p = 0; tpg_on && p < n_ports; p++) {
        for (size_t k = 0; k < (size_t) tpg_n_ids * (tpg_n_tags + 1); k++) {
            const struct tpg_cntr *c = &tpg_rx[p][k];

            if (!c->pkts) {
                continue;
            }
            printf("%s[%u, %zu, %zu, %"PRIu64", %"PRIu64", %"PRIu64", %"PRIu64
                   ", %"PRIu64", %"PRIu64", %"PRIu64"]", first ? "" : ", ",
                   p, k / (tpg_n_tags + 1), k % (tpg_n_tags + 1), c->pkts,
                   c->bytes, c->seq_err, c->seq_err_too_big,
                   c->seq_err_too_small, c->dup, c->ooo);
            first = false;
        }
    }
    printf("]}");
}

/* The latency bucket of 'ns': 0 below 1 us, else one bucket per leading digit
 * and decade of the microseconds (1, 2, ... 9, 10, 20, ... 90, 100, ...), whose
 * lower bound pg_bucket_us() gives. */
static int
pg_bucket(uint64_t ns)
{
    uint64_t us = ns / 1000;
    int b = 1;

    if (!us) {
        return 0;
    }
    while (us >= 10 && b + 9 < PG_HIST) {
        us /= 10;
        b += 9;
    }
    return b + (int) (us > 9 ? 8 : us - 1);
}

static uint64_t
pg_bucket_us(int b)
{
    uint64_t scale = 1;

    if (!b) {
        return 0;
    }
    for (b--; b >= 9; b -= 9) {
        scale *= 10;
    }
    return (uint64_t) (b + 1) * scale;
}

/* Counts packet 'm' in its group if its last bytes are a group's signature;
 * 'now' is the TSC time its burst arrived. */
static void
pg_receive(const struct rte_mbuf *m, uint64_t now)
{
    uint32_t len = rte_pktmbuf_pkt_len(m);
    uint8_t buf[PG_SIG_LEN];
    const uint8_t *sig;
    uint32_t magic;
    uint16_t id, kind;
    int i;

    if (len < PG_SIG_LEN) {
        return;
    }
    /* The last bytes, wherever they are in a chain of mbufs. */
    sig = rte_pktmbuf_read(m, len - PG_SIG_LEN, PG_SIG_LEN, buf);
    memcpy(&magic, sig, 4);
    if (magic != PG_MAGIC) {
        return;
    }
    memcpy(&id, sig + 4, 2);
    memcpy(&kind, sig + 6, 2);
    i = pg_find_or_add(id, kind);
    if (i < 0) {
        return;
    }

    struct pg *g = &pgs[i];

    g->rx++;
    g->rx_bytes += len;
    if (kind == 1) {
        uint64_t sent, transit;

        memcpy(&sent, sig + 8, 8);
        transit = now >= sent ? now - sent : 0;
        if (g->lat_n) {
            double d = (double) transit - (double) g->last_transit;

            g->jitter += ((d < 0 ? -d : d) - g->jitter) / 16.0;
        }
        g->last_transit = transit;
        g->lat_min = g->lat_n && g->lat_min < transit ? g->lat_min : transit;
        g->lat_max = transit > g->lat_max ? transit : g->lat_max;
        g->lat_sum += transit;
        g->lat_n++;
        g->hist[pg_bucket(transit * 1e9 / rte_get_tsc_hz())]++;
    }
}

/* Receives one burst on 'port'; returns how many packets came. */
static uint16_t
receive(uint16_t port)
{
    struct rte_mbuf *rx[BURST];
    uint16_t nb = rte_eth_rx_burst(port, 0, rx, BURST);
    /* Probes are timed when their burst arrives: a time read before the
     * burst could precede a probe's own stamp. */
    uint64_t now = nb && (probe_set.n || pg_listen) ? rte_rdtsc() : 0;

    counters.rx_by_port[port] += nb;
    for (uint16_t i = 0; i < nb; i++) {
        struct rte_mbuf *m = rx[i];

        if (probe_set.n && rte_pktmbuf_data_len(m) >= probe_offset + 16) {
            const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *)
                               + probe_offset;
            uint32_t magic;
            uint64_t sent;

            memcpy(&magic, p, 4);
            if (magic == PROBE_MAGIC) {
                memcpy(&sent, p + 8, 8);
                counters.probes_received++;
                if (counters.n_samples < MAX_SAMPLES && now >= sent) {
                    counters.samples[counters.n_samples++] = now - sent;
                }
            }
        }
        if (pg_listen) {
            pg_receive(m, now);
        }
        if (tpg_on) {
            tpg_receive(m, port);
        }
        if (capture.port == port && capture.file) {
            capture_packet(m);
        }
    }
    if (nb) {
        rte_pktmbuf_free_bulk(rx, nb);
    }
    return nb;
}

/* Receives on every port, up to CATCH_UP full bursts each: as much as a paced
 * turn may send, so that the return direction keeps up after a stall and a
 * full virtqueue at the engine is not counted as the switch's loss. */
static void
receive_all(void)
{
    for (uint16_t port = 0; port < n_ports; port++) {
        for (int b = 0; b < CATCH_UP && receive(port) == BURST; b++) {
            continue;
        }
    }
}

/* Writes packet group 'g''s signature, sent at TSC time 'now', into the last
 * bytes of the 'len' bytes at 'd'. */
static void
pg_sign(uint8_t *d, uint16_t len, const struct pg *g, uint64_t now)
{
    uint32_t magic = PG_MAGIC;
    uint8_t *sig = d + len - PG_SIG_LEN;

    memcpy(sig, &magic, 4);
    memcpy(sig + 4, &g->id, 2);
    memcpy(sig + 6, &g->kind, 2);
    memcpy(sig + 8, &now, 8);
}

/* Writes loaded packet 'p' into the empty mbuf 'm' (a program's packet made
 * now, by running it), signed for its packet group at TSC time 'now';
 * returns its length. */
static inline uint16_t
make_packet(struct rte_mbuf *m, const struct packet *p, uint64_t now)
{
    uint8_t *d = (uint8_t *) rte_pktmbuf_append(m, p->len);
    uint16_t len = p->len;

    if (p->prog >= 0) {
        struct program *pr = &load_set.progs[p->prog];

        rte_memcpy(d, pr->tmpl, pr->tlen);
        len = fe_run(pr, d);
        if (len < pr->tlen) {
            rte_pktmbuf_trim(m, pr->tlen - len);
        }
    } else {
        rte_memcpy(d, p->data, len);
    }
    if (n_pgs && pg_by_stream[p->stream] >= 0 && len >= PG_SIG_LEN) {
        pg_sign(d, len, &pgs[pg_by_stream[p->stream]], now);
    }
    if (tpg_on && tpg_by_stream[p->stream] >= 0 && len >= TPG_LEN) {
        tpg_sign(d, len, tpg_by_stream[p->stream]);
    }
    return len;
}

/* Builds up to 'n' mbufs from the loaded packets, starting at index '*next'
 * (advanced, wrapping around), and puts each one's stream in 'streams' and
 * length in 'lens'.  No division per packet: at 20 Mpps a modulo is a
 * noticeable share of the engine's budget. */
static uint16_t
fill(struct rte_mbuf **m, uint16_t *streams, uint16_t *lens, uint16_t n,
     uint64_t *next)
{
    uint64_t k = *next;
    uint64_t now = n_pgs ? rte_rdtsc() : 0;

    if (rte_pktmbuf_alloc_bulk(load_set.jumbo ? jumbo_pool : pool, m, n)) {
        return 0;
    }
    for (uint16_t i = 0; i < n; i++) {
        const struct packet *p = &load_set.pkts[k];

        lens[i] = make_packet(m[i], p, now);
        streams[i] = p->stream;
        if (++k == load_set.n) {
            k = 0;
        }
    }
    *next = k;
    return n;
}

/* Builds up to 'n' mbufs of the timed schedule's packets due by 'elapsed_s'
 * (s from the start), each node's in turn, until 'duration_s' (0: until the
 * traffic stops), as 'fill' does; their times go to 'times' (if not NULL). */
static uint16_t
fill_sched(struct rte_mbuf **m, uint16_t *streams, uint16_t *lens, uint16_t n,
           double elapsed_s, double duration_s, double *times)
{
    struct sched *sc = load_set.sched;
    uint64_t now = n_pgs ? rte_rdtsc() : 0;
    struct rte_mbuf *spare = NULL;
    uint16_t got = 0;

    while (got < n && !sc->done
           && (!sc->n_heap || sc->heap[0].time <= elapsed_s)) {
        const struct packet *p;
        struct node *nd;
        uint32_t k;
        double t;

        /* Without an mbuf the packet stays due until the next turn. */
        if (!spare && !(spare = rte_pktmbuf_alloc(load_set.jumbo ? jumbo_pool
                                                                 : pool))) {
            break;
        }
        if (sched_step(sc, duration_s, &k, &t) <= 0) {
            continue;
        }
        nd = &sc->nodes[k];
        p = &load_set.pkts[nd->first + nd->pos];
        if (++nd->pos == nd->count) {
            nd->pos = 0;
        }
        m[got] = spare;
        spare = NULL;
        lens[got] = make_packet(m[got], p, now);
        streams[got] = p->stream;
        if (times) {
            times[got] = t;
        }
        got++;
    }
    if (spare) {
        rte_pktmbuf_free(spare);
    }
    return got;
}

/* Every program and node of 'set' back to its start. */
static void
set_reset(struct packet_set *set)
{
    fe_reset(set);
    if (set->sched) {
        sched_reset(set->sched);
    }
}

/* Counts 'n' packets of 'streams' (lengths 'lens') as sent, or if 'refused'
 * as refused by the ring. */
static void
count_sent(uint16_t n, const uint16_t *streams, const uint16_t *lens,
           bool refused)
{
    for (uint16_t i = 0; i < n; i++) {
        int g = n_pgs ? pg_by_stream[streams[i]] : -1;
        int32_t t = tpg_on ? tpg_by_stream[streams[i]] : -1;

        if (t >= 0) {
            /* Sent, or lost at the switch's full ring. */
            tpg_tx[2 * t]++;
            tpg_tx[2 * t + 1] += lens[i] + 4;
        }

        if (!refused) {
            counters.tx_by_stream[streams[i]]++;
        }
        if (g >= 0) {
            if (refused) {
                pgs[g].tx_refused++;
                pgs[g].tx_refused_bytes += lens[i];
            } else {
                pgs[g].tx++;
                pgs[g].tx_bytes += lens[i];
            }
        }
    }
}

static void
send_probe(uint16_t tx, uint32_t seq)
{
    const struct packet *p = &probe_set.pkts[0];
    struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
    uint8_t *d;
    uint32_t magic = PROBE_MAGIC;
    uint64_t now;

    if (!m) {
        counters.probes_dropped++;
        return;
    }
    d = (uint8_t *) rte_pktmbuf_append(m, p->len);
    rte_memcpy(d, p->data, p->len);
    memcpy(d + probe_offset, &magic, 4);
    memcpy(d + probe_offset + 4, &seq, 4);
    now = rte_rdtsc();
    memcpy(d + probe_offset + 8, &now, 8);
    if (rte_eth_tx_burst(tx, 0, &m, 1) == 1) {
        counters.probes_sent++;
    } else {
        counters.probes_dropped++;
        rte_pktmbuf_free(m);
    }
}

/* Receives until no packet arrived for DRAIN_MS (at most MAX_DRAIN_MS). */
static void
drain(void)
{
    uint64_t hz = rte_get_tsc_hz();
    uint64_t start = rte_rdtsc(), quiet = start;
    uint64_t before = 0;

    for (;;) {
        uint64_t now = rte_rdtsc(), total = 0;

        receive_all();
        for (uint16_t p = 0; p < n_ports; p++) {
            total += counters.rx_by_port[p];
        }
        if (total != before) {
            before = total;
            quiet = now;
        }
        if (now - quiet > hz * DRAIN_MS / 1000
            || now - start > hz * MAX_DRAIN_MS / 1000) {
            return;
        }
    }
}

static void
reply_counts(double elapsed_s, uint64_t rate, uint64_t duration_ticks)
{
    double ns_per_tick = 1e9 / rte_get_tsc_hz();

    printf("{\"ok\": true, \"elapsed_s\": %.9f, \"tx\": %"PRIu64
           ", \"ring_full\": %"PRIu64", \"offered_pps\": %"PRIu64
           ", \"tsc_hz\": %"PRIu64", \"scheduled_s\": %.9f, \"tx_by_stream\": [",
           elapsed_s, counters.tx, counters.ring_full, rate, rte_get_tsc_hz(),
           duration_ticks / (double) rte_get_tsc_hz());
    for (uint32_t s = 0; s < load_set.n_streams; s++) {
        printf("%s%"PRIu64, s ? ", " : "", counters.tx_by_stream[s]);
    }
    printf("], \"rx_by_port\": [");
    for (uint16_t p = 0; p < n_ports; p++) {
        printf("%s%"PRIu64, p ? ", " : "", counters.rx_by_port[p]);
    }
    printf("], \"probes_sent\": %"PRIu64", \"probes_dropped\": %"PRIu64
           ", \"probes_received\": %"PRIu64", \"latency_ns\": [",
           counters.probes_sent, counters.probes_dropped,
           counters.probes_received);
    qsort(counters.samples, counters.n_samples, sizeof counters.samples[0],
          cmp_u64);
    for (uint64_t i = 0; i < counters.n_samples; i++) {
        printf("%s%.0f", i ? ", " : "", counters.samples[i] * ns_per_tick);
    }
    printf("], \"pgs\": [");
    for (uint16_t i = 0; i < n_pgs; i++) {
        const struct pg *g = &pgs[i];
        bool first = true;

        printf("%s{\"id\": %"PRIu16", \"kind\": %"PRIu16", \"tx\": %"PRIu64
               ", \"tx_bytes\": %"PRIu64", \"tx_refused\": %"PRIu64
               ", \"tx_refused_bytes\": %"PRIu64", \"rx\": %"PRIu64", \"rx_bytes\": %"PRIu64
               ", \"lat_n\": %"PRIu64", \"lat_min_ns\": %.0f"
               ", \"lat_max_ns\": %.0f, \"lat_avg_ns\": %.1f"
               ", \"jitter_ns\": %.1f, \"hist_us\": {",
               i ? ", " : "", g->id, g->kind, g->tx, g->tx_bytes,
               g->tx_refused, g->tx_refused_bytes, g->rx, g->rx_bytes, g->lat_n,
               g->lat_min * ns_per_tick, g->lat_max * ns_per_tick,
               g->lat_n ? g->lat_sum * ns_per_tick / g->lat_n : 0.0,
               g->jitter * ns_per_tick);
        for (int b = 0; b < PG_HIST; b++) {
            if (g->hist[b]) {
                printf("%s\"%"PRIu64"\": %"PRIu64, first ? "" : ", ",
                       pg_bucket_us(b), g->hist[b]);
                first = false;
            }
        }
        printf("}}");
    }
    printf("]");
    tpg_reply();
    printf("}\n");
    fflush(stdout);
}

static void
reset_counters(void)
{
    memset(&counters, 0, sizeof counters);
    tpg_reset();
    for (uint16_t i = 0; i < n_pgs; i++) {
        struct pg *g = &pgs[i];
        uint16_t id = g->id, kind = g->kind;

        memset(g, 0, sizeof *g);
        g->id = id;
        g->kind = kind;
    }
}

/* Writes the signature of each of the 'n' packets 'm' whose stream is in a
 * packet group again, as sent at TSC time 'now' (a packet offered again). */
static void
pg_resign(struct rte_mbuf **m, const uint16_t *streams, const uint16_t *lens,
          uint16_t n, uint64_t now)
{
    for (uint16_t i = 0; i < n; i++) {
        if (pg_by_stream[streams[i]] >= 0 && lens[i] >= PG_SIG_LEN) {
            pg_sign(rte_pktmbuf_mtod(m[i], uint8_t *), lens[i],
                    &pgs[pg_by_stream[streams[i]]], now);
        }
    }
}

/* Sends from port 'tx' for 'duration_s' (or, if 'once', 'count' packets of
 * the loaded ones, in order, looping) at 'rate' packets/s (0: unpaced), with
 * 'probe_pps' probes/s.  With 'tx' negative, only receives.  Unpaced, the
 * packets the ring refused are kept and offered again first (a program's
 * packet cannot be made again: its variables moved on). */
static void
run(int tx, double rate, double duration_s, double probe_pps, bool once,
    uint64_t count)
{
    uint64_t hz = rte_get_tsc_hz();
    uint64_t start, now, end, next_probe, probe_gap;
    bool timed = load_set.sched && !once && tx >= 0;
    uint64_t next = 0, attempted = 0;
    uint64_t limit = once ? count : UINT64_MAX;
    uint32_t seq = 0;
    struct rte_mbuf *m[BURST];
    uint16_t streams[BURST], lens[BURST];
    uint16_t held = 0;          /* Refused packets at the front of 'm'. */

    reset_counters();
    set_reset(&load_set);
    start = now = rte_rdtsc();
    /* A timed schedule ends itself at 'duration_s': past it, a little time
     * to send what fell due just before. */
    end = (once ? UINT64_MAX
           : start + (uint64_t) ((duration_s + (timed ? 0.1 : 0)) * hz));
    probe_gap = probe_pps > 0 ? (uint64_t) (hz / probe_pps) : 0;
    next_probe = start + probe_gap;
    while (now < end && attempted < limit && !stopping
           && !(timed && load_set.sched->done)) {
        /* Up to CATCH_UP bursts in a turn: after a stall of this thread,
         * what fell due meanwhile goes out before the receive side runs
         * again, so that the paced rate holds close to the maximum. */
        for (int b = 0; b < CATCH_UP && attempted < limit; b++) {
            uint64_t want = tx < 0 ? 0 : BURST;
            uint16_t n;

            if (timed) {
                n = fill_sched(m, streams, lens, BURST,
                               (now - start) / (double) hz, duration_s, NULL);
                if (!n) {
                    break;
                }
            } else if (tx >= 0 && rate > 0) {
                uint64_t due = (uint64_t) ((now - start) / (double) hz * rate);

                want = due > attempted ? due - attempted : 0;
                want = want > BURST ? BURST : want;
            }
            if (!timed) {
                if (want > limit - attempted) {
                    want = limit - attempted;
                }
                if (!want) {
                    break;
                }
                if (held && n_pgs) {
                    pg_resign(m, streams, lens, held, rte_rdtsc());
                }
                n = held + (want > held
                            ? fill(m + held, streams + held, lens + held,
                                   want - held, &next) : 0);
            }

            uint16_t sent = n ? rte_eth_tx_burst(tx, 0, m, n) : 0;

            held = 0;
            count_sent(sent, streams, lens, false);
            counters.tx += sent;
            if (sent < n) {
                counters.ring_full += n - sent;
                if (rate > 0 || timed) {
                    rte_pktmbuf_free_bulk(m + sent, n - sent);
                    count_sent(n - sent, streams + sent, lens + sent, true);
                    attempted += n;
                } else {
                    /* Offer them again. */
                    held = n - sent;
                    memmove(m, m + sent, held * sizeof *m);
                    memmove(streams, streams + sent, held * sizeof *streams);
                    memmove(lens, lens + sent, held * sizeof *lens);
                    attempted += sent;
                }
                break;                  /* The ring is full for now. */
            }
            attempted += n;
            if (rate <= 0 && !timed) {
                break;                  /* Unpaced: one burst a turn. */
            }
        }
        if (probe_gap && now >= next_probe) {
            send_probe(tx, seq++);
            next_probe += probe_gap;
            if (now > next_probe + hz / 100) {
                next_probe = now + probe_gap;   /* A stall is no burst. */
            }
        }
        receive_all();
        now = rte_rdtsc();
    }
    if (held) {
        rte_pktmbuf_free_bulk(m, held);
    }
    {
        uint64_t stop = rte_rdtsc();

        drain();
        if (capture.file) {
            fflush(capture.file);   /* On disk before the reply says so. */
        }
        reply_counts((stop - start) / (double) hz, (uint64_t) rate,
                     once ? stop - start : (uint64_t) (duration_s * hz));
    }
}

/* Makes packets of the loaded set as 'run' would send them, from the start,
 * without sending: 'skip' of them are dropped, the next 'n' written to 'path'
 * (pcap).  The run-time field engine's packets, as its tests compare them
 * with fieldengine.py's, and its speed alone. */
static void
dump(uint64_t n, const char *path, uint64_t skip, double duration_s)
{
    struct rte_mbuf *m[BURST];
    uint16_t streams[BURST], lens[BURST];
    double times[BURST];
    uint64_t next = 0, done = 0, start;
    FILE *f = strcmp(path, "-") ? fopen(path, "wb") : NULL;

    if (strcmp(path, "-") && !f) {
        reply_error("%s: %s", path, strerror(errno));
        return;
    }
    if (f) {
        write_pcap_header(f, load_set.sched);
    }
    set_reset(&load_set);
    start = rte_rdtsc();
    while (done < skip + n) {
        uint64_t want = skip + n - done;
        uint16_t k = want > BURST ? BURST : want;
        uint16_t got = (load_set.sched
                        ? fill_sched(m, streams, lens, k, 1e300, duration_s,
                                     times)
                        : fill(m, streams, lens, k, &next));

        if (!got) {
            break;
        }
        for (uint16_t i = 0; i < got; i++, done++) {
            if (f && done >= skip) {
                uint64_t ns = (load_set.sched
                               ? (uint64_t) (times[i] * 1e9 + 0.5) : 0);
                uint32_t rec[4] = { ns / 1000000000, ns % 1000000000,
                                    lens[i], lens[i] };

                fwrite(rec, sizeof rec, 1, f);
                fwrite(rte_pktmbuf_mtod(m[i], void *), 1, lens[i], f);
            }
        }
        rte_pktmbuf_free_bulk(m, got);
    }
    if (f) {
        fclose(f);
    }
    printf("{\"ok\": true, \"packets\": %"PRIu64", \"elapsed_s\": %.9f}\n",
           done, (rte_rdtsc() - start) / (double) rte_get_tsc_hz());
    fflush(stdout);
}

static void
reply_stats(void)
{
    printf("{\"ok\": true, \"ports\": [");
    for (uint16_t p = 0; p < n_ports; p++) {
        struct rte_eth_stats st;

        memset(&st, 0, sizeof st);
        rte_eth_stats_get(p, &st);
        printf("%s{\"ipackets\": %"PRIu64", \"opackets\": %"PRIu64
               ", \"imissed\": %"PRIu64", \"ierrors\": %"PRIu64
               ", \"oerrors\": %"PRIu64", \"rx_nombuf\": %"PRIu64"}",
               p ? ", " : "", st.ipackets, st.opackets, st.imissed,
               st.ierrors, st.oerrors, st.rx_nombuf);
    }
    printf("]}\n");
    fflush(stdout);
}

static int
port_init(uint16_t port)
{
    struct rte_eth_conf conf;
    int err;

    memset(&conf, 0, sizeof conf);
    err = rte_eth_dev_configure(port, 1, 1, &conf);
    if (!err) {
        err = rte_eth_rx_queue_setup(port, 0, RING_SIZE,
                                     rte_eth_dev_socket_id(port), NULL, pool);
    }
    if (!err) {
        err = rte_eth_tx_queue_setup(port, 0, RING_SIZE,
                                     rte_eth_dev_socket_id(port), NULL);
    }
    if (!err) {
        err = rte_eth_dev_start(port);
    }
    if (!err) {
        rte_eth_promiscuous_enable(port);
    }
    return err;
}

/* Waits up to 'timeout_s' for every port's link; returns true if all are up. */
static bool
wait_links(double timeout_s)
{
    uint64_t hz = rte_get_tsc_hz(), end = rte_rdtsc() + timeout_s * hz;

    for (;;) {
        bool all = true;

        for (uint16_t p = 0; p < n_ports; p++) {
            struct rte_eth_link link;

            memset(&link, 0, sizeof link);
            rte_eth_link_get_nowait(p, &link);
            all = all && link.link_status == RTE_ETH_LINK_UP;
        }
        if (all || rte_rdtsc() > end) {
            return all;
        }
        rte_delay_ms(10);
    }
}

static void
command(char *line)
{
    char path[4096];
    char err[600];
    unsigned int port, n, kind;
    double rate, duration, probe_pps;
    uint64_t count, skip;
    int k;

    if (sscanf(line, "load %4095s", path) == 1) {
        if (!read_set(path, &load_set, err, sizeof err)) {
            printf("{\"ok\": true, \"packets\": %"PRIu32", \"streams\": %u"
                   ", \"timed\": %s}\n", load_set.n, load_set.n_streams,
                   load_set.sched ? "true" : "false");
            fflush(stdout);
        } else {
            reply_error("%s", err);
        }
    } else if (sscanf(line, "probe %4095s %u", path, &n) == 2) {
        if (read_set(path, &probe_set, err, sizeof err)) {
            reply_error("%s", err);
        } else if (n + 16 > probe_set.pkts[0].len) {
            free_set(&probe_set);
            reply_error("probe offset %u leaves no room for 16 bytes", n);
        } else {
            probe_offset = n;
            printf("{\"ok\": true}\n");
            fflush(stdout);
        }
    } else if (sscanf(line, "pg %u %u %u", &port, &n, &kind) == 3) {
        int g = (port <= UINT16_MAX && n <= UINT16_MAX && kind <= 1
                 && tpg_by_stream[port] < 0 ? pg_find_or_add(n, kind) : -1);

        if (g < 0) {
            reply_error("pg: bad stream %u, group %u or kind %u (at most %d "
                        "groups, one kind each)", port, n, kind, MAX_PGS);
            return;
        }
        pg_by_stream[port] = g;
        pg_listen = true;
        printf("{\"ok\": true}\n");
        fflush(stdout);
    } else if (sscanf(line, "tpg-conf %4095s", path) == 1) {
        const char *why = tpg_load(path);

        if (why) {
            reply_error("tpg-conf %s: %s", path, why);
            return;
        }
        printf("{\"ok\": true, \"tpgids\": %"PRIu32", \"tags\": %"PRIu32"}\n",
               tpg_n_ids, tpg_n_tags);
        fflush(stdout);
    } else if (sscanf(line, "tpg %u %u", &port, &n) == 2) {
        if (!tpg_on || port > UINT16_MAX || n >= tpg_n_ids
            || pg_by_stream[port] >= 0) {
            reply_error("tpg: no configuration, bad stream %u or tpgid %u, or "
                        "the stream is in a packet group", port, n);
            return;
        }
        for (uint32_t i = 0; i <= UINT16_MAX; i++) {
            if (tpg_by_stream[i] == (int32_t) n && i != port) {
                reply_error("tpg: tpgid %u is already stream %"PRIu32"'s",
                            n, i);
                return;
            }
        }
        tpg_by_stream[port] = n;
        printf("{\"ok\": true}\n");
        fflush(stdout);
    } else if (!strcmp(line, "tpg-clear")) {
        tpg_clear();
        printf("{\"ok\": true}\n");
        fflush(stdout);
    } else if (!strcmp(line, "pg-listen")) {
        pg_listen = true;
        printf("{\"ok\": true}\n");
        fflush(stdout);
    } else if (!strcmp(line, "pg-clear")) {
        pg_clear();
        printf("{\"ok\": true}\n");
        fflush(stdout);
    } else if (sscanf(line, "capture %u %u %4095s", &port, &n, path) == 3) {
        if (port >= n_ports || !n) {
            reply_error("capture: bad port %u or count %u", port, n);
            return;
        }
        if (capture.file) {
            fclose(capture.file);
        }
        capture.file = fopen(path, "wb");
        if (!capture.file) {
            reply_error("%s: %s", path, strerror(errno));
            return;
        }
        write_pcap_header(capture.file, false);
        capture.port = port;
        capture.max = n;
        capture.n = 0;
        printf("{\"ok\": true}\n");
        fflush(stdout);
    } else if (sscanf(line, "run %u %lf %lf %lf", &port, &rate, &duration,
                      &probe_pps) == 4) {
        if (port >= n_ports || !load_set.n || rate < 0 || duration <= 0
            || probe_pps < 0 || (probe_pps > 0 && !probe_set.n)) {
            reply_error("run: bad port, rate or duration, or nothing loaded");
            return;
        }
        run(port, rate, duration, probe_pps, false, 0);
    } else if ((k = sscanf(line, "warmup %u %lf %"SCNu64, &port, &rate,
                           &count)) >= 2) {
        if (port >= n_ports || !load_set.n || rate <= 0 || (k == 3 && !count)) {
            reply_error("warmup: bad port, rate or count, or nothing loaded");
            return;
        }
        run(port, rate, 0, 0, true, k == 3 ? count : load_set.n);
    } else if ((k = sscanf(line, "dump %"SCNu64" %4095s %"SCNu64" %lf", &count,
                           path, &skip, &duration)) >= 2) {
        if (!load_set.n || (k == 4 && duration <= 0)) {
            reply_error("dump: nothing loaded, or a bad duration");
            return;
        }
        dump(count, path, k >= 3 ? skip : 0, k == 4 ? duration : 0);
    } else if (sscanf(line, "listen %lf", &duration) == 1) {
        if (duration <= 0) {
            reply_error("listen: bad duration");
            return;
        }
        run(-1, 0, duration, 0, false, 0);
    } else if (!strncmp(line, "stats", 5)) {
        reply_stats();
    } else {
        reply_error("unknown command: %.100s", line);
    }
}

int
main(int argc, char *argv[])
{
    char line[8192];
    int n_eal = rte_eal_init(argc, argv);

    if (n_eal < 0) {
        fprintf(stderr, "xb-dpdk-engine: EAL initialisation failed: %s\n",
                rte_strerror(rte_errno));
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    pg_clear();
    tpg_clear();
    n_ports = rte_eth_dev_count_avail();
    if (!n_ports || n_ports > MAX_PORTS) {
        fprintf(stderr, "xb-dpdk-engine: %u ports (need 1 to %d --vdev)\n",
                n_ports, MAX_PORTS);
        rte_eal_cleanup();
        return 2;
    }
    pool = rte_pktmbuf_pool_create("xb_pool", N_MBUFS, 256, 0,
                                   RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
    if (!pool) {
        fprintf(stderr, "xb-dpdk-engine: mbuf pool: %s\n",
                rte_strerror(rte_errno));
        rte_eal_cleanup();
        return 2;
    }
    for (uint16_t p = 0; p < n_ports; p++) {
        int err = port_init(p);

        if (err) {
            fprintf(stderr, "xb-dpdk-engine: port %u: %s\n", p,
                    rte_strerror(-err));
            rte_eal_cleanup();
            return 2;
        }
    }
    if (!wait_links(30.0)) {
        fprintf(stderr, "xb-dpdk-engine: links not up after 30 s\n");
    }
    printf("{\"ok\": true, \"ports\": %u, \"tsc_hz\": %"PRIu64
           ", \"lcore\": %u}\n", n_ports, rte_get_tsc_hz(), rte_lcore_id());
    fflush(stdout);
    while (!stopping && fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strcmp(line, "quit")) {
            break;
        }
        command(line);
    }
    for (uint16_t p = 0; p < n_ports; p++) {
        rte_eth_dev_stop(p);
        rte_eth_dev_close(p);
    }
    rte_eal_cleanup();
    return 0;
}
