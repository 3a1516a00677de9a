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
 *                         and the bytes (little endian); or "XBPT", the same
 *                         with a u64 send time (ns from the start) after each
 *                         length: a timed schedule (TRex's bursts and gaps)
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
 *   capture PORT N FILE   the next run writes the first N packets received on
 *                         PORT to FILE (pcap)
 *   run TX RATE DURATION PROBE_PPS
 *                         send the loaded packets in a loop from port TX for
 *                         DURATION seconds, paced at RATE packets/s (0: as fast
 *                         as the port takes them), with PROBE_PPS probes/s
 *                         (0: none); receive on every port meanwhile and until
 *                         no packet arrived for DRAIN_MS after sending stopped.
 *                         A timed schedule is sent once instead, each packet
 *                         at its time (RATE is ignored; refused packets are
 *                         lost, as paced ones are), for at most DURATION
 *   warmup TX RATE        send each loaded packet once, paced at RATE
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
#include <rte_lcore.h>
#include <rte_mbuf.h>

#define BURST 32
#define CATCH_UP 8              /* Most bursts a paced turn sends. */
#define RING_SIZE 1024
#define N_MBUFS 16383
#define MAX_PORTS 16
#define MAX_PKT_LEN 2000
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
    uint8_t *data;
};

struct packet_set {
    struct packet *pkts;
    uint64_t *times_ns;         /* Send times of a timed schedule, or NULL. */
    uint32_t n;
    uint16_t n_streams;
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

static struct rte_mempool *pool;
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

static void
free_set(struct packet_set *set)
{
    for (uint32_t i = 0; i < set->n; i++) {
        free(set->pkts[i].data);
    }
    free(set->pkts);
    free(set->times_ns);
    memset(set, 0, sizeof *set);
}

/* Reads packet file 'path' into 'set'.  Returns 0 or an errno value, with a
 * message in 'err'. */
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
    bool timed;

    if (fread(magic, 1, 4, f) != 4
        || (memcmp(magic, "XBPK", 4) && memcmp(magic, "XBPT", 4))
        || fread(&n, 4, 1, f) != 1 || n == 0) {
        snprintf(err, errlen, "%s: not a packet file (XBPK or XBPT header)", path);
        fclose(f);
        return EINVAL;
    }
    timed = !memcmp(magic, "XBPT", 4);
    new.pkts = calloc(n, sizeof *new.pkts);
    new.times_ns = timed ? calloc(n, sizeof *new.times_ns) : NULL;
    if (!new.pkts || (timed && !new.times_ns)) {
        free(new.pkts);
        free(new.times_ns);
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct packet *p = &new.pkts[i];
        uint16_t hdr[2];

        if (fread(hdr, 2, 2, f) != 2 || hdr[1] < 14 || hdr[1] > MAX_PKT_LEN
            || (timed && (fread(&new.times_ns[i], 8, 1, f) != 1
                          || (i && new.times_ns[i] < new.times_ns[i - 1])))) {
            snprintf(err, errlen, "%s: packet %"PRIu32" truncated, of bad length or "
                     "out of time order", path, i);
            goto error;
        }
        p->stream = hdr[0];
        p->len = hdr[1];
        p->data = malloc(p->len);
        new.n = i + 1;
        if (!p->data || fread(p->data, 1, p->len, f) != p->len) {
            snprintf(err, errlen, "%s: packet %"PRIu32" truncated", path, i);
            goto error;
        }
        if (p->stream >= new.n_streams) {
            new.n_streams = p->stream + 1;
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

static void
write_pcap_header(FILE *f)
{
    uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };

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
    uint16_t len = rte_pktmbuf_data_len(m);
    const uint8_t *sig;
    uint32_t magic;
    uint16_t id, kind;
    int i;

    if (len < PG_SIG_LEN) {
        return;
    }
    sig = rte_pktmbuf_mtod(m, const uint8_t *) + len - PG_SIG_LEN;
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

    if (rte_pktmbuf_alloc_bulk(pool, m, n)) {
        return 0;
    }
    for (uint16_t i = 0; i < n; i++) {
        const struct packet *p = &load_set.pkts[k];
        uint8_t *d = (uint8_t *) rte_pktmbuf_append(m[i], p->len);

        rte_memcpy(d, p->data, p->len);
        if (n_pgs && pg_by_stream[p->stream] >= 0
            && p->len >= PG_SIG_LEN) {
            pg_sign(d, p->len, &pgs[pg_by_stream[p->stream]], now);
        }
        streams[i] = p->stream;
        lens[i] = p->len;
        if (++k == load_set.n) {
            k = 0;
        }
    }
    *next = k;
    return n;
}

/* Counts 'n' packets of 'streams' (lengths 'lens') as sent, or if 'refused'
 * as refused by the ring. */
static void
count_sent(uint16_t n, const uint16_t *streams, const uint16_t *lens,
           bool refused)
{
    for (uint16_t i = 0; i < n; i++) {
        int g = n_pgs ? pg_by_stream[streams[i]] : -1;

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

static int
cmp_u64(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;

    return a < b ? -1 : a > b;
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
    printf("]}\n");
    fflush(stdout);
}

static void
reset_counters(void)
{
    memset(&counters, 0, sizeof counters);
    for (uint16_t i = 0; i < n_pgs; i++) {
        struct pg *g = &pgs[i];
        uint16_t id = g->id, kind = g->kind;

        memset(g, 0, sizeof *g);
        g->id = id;
        g->kind = kind;
    }
}

/* Sends from port 'tx' for 'duration_s' (or, if 'once', each loaded packet
 * once) at 'rate' packets/s (0: unpaced), with 'probe_pps' probes/s.  With
 * 'tx' negative, only receives. */
static void
run(int tx, double rate, double duration_s, double probe_pps, bool once)
{
    uint64_t hz = rte_get_tsc_hz();
    uint64_t start, now, end, next_probe, probe_gap;
    bool timed = load_set.times_ns && !once && tx >= 0;
    uint64_t next = 0, attempted = 0, due_timed = 0;
    uint64_t limit = once || timed ? load_set.n : UINT64_MAX;
    uint32_t seq = 0;
    struct rte_mbuf *m[BURST];
    uint16_t streams[BURST], lens[BURST];

    reset_counters();
    start = now = rte_rdtsc();
    end = once ? UINT64_MAX : start + (uint64_t) (duration_s * hz);
    probe_gap = probe_pps > 0 ? (uint64_t) (hz / probe_pps) : 0;
    next_probe = start + probe_gap;
    while (now < end && attempted < limit && !stopping) {
        /* Up to CATCH_UP bursts in a turn: after a stall of this thread,
         * what fell due meanwhile goes out before the receive side runs
         * again, so that the paced rate holds close to the maximum. */
        for (int b = 0; b < CATCH_UP && attempted < limit; b++) {
            uint64_t want = tx < 0 ? 0 : BURST;

            if (timed) {
                uint64_t elapsed_ns = (uint64_t) ((now - start) * (1e9 / hz));

                while (due_timed < load_set.n
                       && load_set.times_ns[due_timed] <= elapsed_ns) {
                    due_timed++;
                }
                want = due_timed > attempted ? due_timed - attempted : 0;
                want = want > BURST ? BURST : want;
            } else if (tx >= 0 && rate > 0) {
                uint64_t due = (uint64_t) ((now - start) / (double) hz * rate);

                want = due > attempted ? due - attempted : 0;
                want = want > BURST ? BURST : want;
            }
            if (want > limit - attempted) {
                want = limit - attempted;
            }
            if (!want) {
                break;
            }

            uint16_t n = fill(m, streams, lens, want, &next);
            uint16_t sent = n ? rte_eth_tx_burst(tx, 0, m, n) : 0;

            count_sent(sent, streams, lens, false);
            counters.tx += sent;
            if (sent < n) {
                rte_pktmbuf_free_bulk(m + sent, n - sent);
                counters.ring_full += n - sent;
                if (rate > 0 || timed) {
                    count_sent(n - sent, streams + sent, lens + sent, true);
                    attempted += n;
                } else {
                    /* Offer them again. */
                    next = (next + load_set.n - (n - sent) % load_set.n)
                           % load_set.n;
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
    {
        uint64_t stop = rte_rdtsc();

        drain();
        if (capture.file) {
            fflush(capture.file);   /* On disk before the reply says so. */
        }
        reply_counts((stop - start) / (double) hz, (uint64_t) rate,
                     once ? stop - start : end - start);
    }
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

    if (sscanf(line, "load %4095s", path) == 1) {
        if (!read_set(path, &load_set, err, sizeof err)) {
            printf("{\"ok\": true, \"packets\": %"PRIu32", \"streams\": %u"
                   ", \"timed\": %s}\n", load_set.n, load_set.n_streams,
                   load_set.times_ns ? "true" : "false");
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
                 ? pg_find_or_add(n, kind) : -1);

        if (g < 0) {
            reply_error("pg: bad stream %u, group %u or kind %u (at most %d "
                        "groups, one kind each)", port, n, kind, MAX_PGS);
            return;
        }
        pg_by_stream[port] = g;
        pg_listen = true;
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
        write_pcap_header(capture.file);
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
        run(port, rate, duration, probe_pps, false);
    } else if (sscanf(line, "warmup %u %lf", &port, &rate) == 2) {
        if (port >= n_ports || !load_set.n || rate <= 0) {
            reply_error("warmup: bad port or rate, or nothing loaded");
            return;
        }
        run(port, rate, 0, 0, true);
    } else if (sscanf(line, "listen %lf", &duration) == 1) {
        if (duration <= 0) {
            reply_error("listen: bad duration");
            return;
        }
        run(-1, 0, duration, 0, false);
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
