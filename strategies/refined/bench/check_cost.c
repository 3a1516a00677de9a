/* What the refined variant's run-time check costs per packet.
 *
 * Runs a BPF program on one packet many times, as the datapath action
 * "bpf(H)" does (bpf_action_execute()) and as "bpf_check(H,...)" does
 * (bpf_check_execute(): save the checked bytes, run, compare), and prints
 * the TSC cycles per run of each and their difference.  Built against an
 * OVS tree of the refined variant (see ../README.md):
 *
 *   cc -O2 -I$T -I$T/include -I$T/lib check_cost.c $T/lib/.libs/libopenvswitch.a \
 *      $(pkg-config --libs libdpdk) -lbpf -lelf -lcap-ng -lnuma -lxdp -lpcap \
 *      -lunbound -latomic -lm -o check_cost
 *   ./check_cost PROGRAM.o [ITERATIONS]
 *
 * The packet is a 64-byte UDP/IPv4 packet to 10.0.0.3, which extensions/dnat
 * leaves alone (its virtual IP is 10.0.0.2), so that every run checks and
 * finds nothing changed: the check's common case. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>
#include "bpf.h"
#include "bpf-action.h"
#include "bpf-check.h"
#include "dp-packet.h"
#include "netlink.h"
#include "openvswitch/ofpbuf.h"

static const uint8_t udp_packet[60] = {
    0x50, 0x54, 0x00, 0x00, 0x00, 0x07, 0x50, 0x54, 0x00, 0x00, 0x00, 0x05,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11,
    0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x03, 0x04, 0x01,
    0x00, 0x0c, 0x00, 0x1a, 0x00, 0x00,
};

int
main(int argc, char *argv[])
{
    long n = argc > 2 ? atol(argv[2]) : 10 * 1000 * 1000;
    char *error = NULL;

    if (argc < 2) {
        fprintf(stderr, "usage: %s PROGRAM.o [ITERATIONS]\n", argv[0]);
        return 2;
    }
    bpf_init();
    if (bpf_registry_load("br0", 1, argv[1], &error)) {
        fprintf(stderr, "%s: %s\n", argv[1], error);
        return 1;
    }
    struct bpf_prog *prog = bpf_registry_find("br0", 1);
    uint32_t handle = bpf_prog_handle(prog);
    const struct bpf_verdict *verdict = bpf_prog_verdict(prog);

    /* Check what the forwarding tables consult of the program's writes:
     * the destination address and port, [30,34) [36,38) for dnat. */
    struct bpf_range consulted[] = { { 30, 34 }, { 36, 38 } };
    struct bpf_range ranges[8];
    size_t n_ranges = bpf_ranges_intersect(consulted, 2, verdict->writes,
                                           verdict->n_writes, ranges, 8);
    struct ofpbuf attr;
    ofpbuf_init(&attr, 64);
    bpf_check_put(&attr, handle, 1, ranges, n_ranges);

    struct dp_packet *packet = dp_packet_clone_data(udp_packet,
                                                    sizeof udp_packet);
    for (int round = 0; round < 3; round++) {
        uint64_t t0 = __rdtsc();
        for (long i = 0; i < n; i++) {
            bpf_action_execute(handle, packet);
        }
        uint64_t t1 = __rdtsc();
        for (long i = 0; i < n; i++) {
            bpf_check_execute(attr.data, packet);
        }
        uint64_t t2 = __rdtsc();
        double plain = (double) (t1 - t0) / n, check = (double) (t2 - t1) / n;
        printf("round %d: %zu range(s), bpf %.1f cycles, bpf_check %.1f cycles, "
               "check %.1f cycles per packet\n", round, n_ranges, plain, check,
               check - plain);
    }
    return 0;
}
