#!/usr/bin/env bash
# Build the libFuzzer target fuzz-bpf against a built OVS tree that holds the
# common layer (e.g. build/src/runtime after "extbench build runtime"), and the
# map concurrency stress test stress-maps beside it (OUT's directory).
#
#   strategies/common/fuzz/build.sh TREE OUT
#
# The runtime's own files (lib/bpf*.c) are compiled with clang and
# AddressSanitizer + UndefinedBehaviorSanitizer; the rest of OVS comes from the
# tree's libopenvswitch.a as gcc built it (not instrumented), and libbpf and
# libelf from the system (not instrumented either).
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 TREE OUT" >&2
    exit 2
fi
tree=$(cd "$1" && pwd)
out=$2
here=$(cd "$(dirname "$0")" && pwd)
for f in config.h lib/.libs/libopenvswitch.a lib/bpf.c; do
    if [ ! -e "$tree/$f" ]; then
        echo "$0: $tree/$f not found: build the tree first (extbench build runtime)" >&2
        exit 2
    fi
done
libs=$(sed -n 's/^LIBS = //p' "$tree/Makefile")
# A tree configured --with-dpdk includes DPDK's headers from OVS's own (dp-packet.h).
read -r -a dpdk_cflags <<< "$(sed -n 's/^DPDK_CFLAGS = //p' "$tree/Makefile")"
extra=()
if [ -e "$tree/lib/.libs/libopenvswitchavx512.a" ]; then
    extra+=("$tree/lib/.libs/libopenvswitchavx512.a")
fi
common=(-g -O1 -DHAVE_CONFIG_H -I"$tree" -I"$tree/include" -I"$tree/lib"
        -I"$tree/tests" "${dpdk_cflags[@]}" -fno-sanitize-recover=undefined)
ovs=("$tree/lib/.libs/libopenvswitch.a" "${extra[@]}" -lbpf -lelf -lcap-ng $libs)
stress=$(dirname "$out")/stress-maps
tmp=$(mktemp "$out.XXXXXX")
tmp2=$(mktemp "$stress.XXXXXX")
trap 'rm -f "$tmp" "$tmp2"' EXIT
clang "${common[@]}" -fsanitize=fuzzer,address,undefined \
    "$here/fuzz-bpf.c" "$tree"/lib/bpf.c "$tree"/lib/bpf-helpers.c \
    "$tree"/lib/bpf-interp.c "$tree"/lib/bpf-jit.c \
    "$tree"/lib/bpf-loader.c "$tree"/lib/bpf-map.c "$tree"/lib/bpf-verifier.c \
    "${ovs[@]}" -o "$tmp"
clang "${common[@]}" -fsanitize=address,undefined \
    "$here/stress-maps.c" "$tree"/lib/bpf-map.c "${ovs[@]}" -o "$tmp2"
mv "$tmp" "$out"
mv "$tmp2" "$stress"
trap - EXIT
