#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian 12 machine for extbench: apt packages,
# then a Python virtual environment in .venv built from pyproject.toml.
#
# The venv uses Debian's own interpreter (/usr/bin/python3) with system site
# packages, because Mininet's Python module comes from Debian's `mininet`
# package and belongs to that interpreter; everything else is pinned in
# pyproject.toml and installed into the venv, where it takes precedence.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    # OVS 3.1.0 source tarball and its build dependencies.
    openvswitch-source build-essential autoconf automake libtool pkg-config
    libssl-dev libcap-ng-dev libunbound-dev libbpf-dev libxdp-dev libelf-dev libnuma-dev
    ccache python3-dev python3-venv
    # Test network: Mininet and the tools trials use inside its hosts.
    mininet iproute2 iputils-ping ethtool netsniff-ng tcpreplay tcpdump
    # BPF extensions: compiler and the kernel's verifier as a cross-check.
    clang llvm bpftool
    # libFuzzer and AddressSanitizer runtimes for the runtime's fuzz harness
    # (a Recommends of clang's, which --no-install-recommends skips).
    libclang-rt-14-dev
    # The dpdk port type: OVS is configured --with-dpdk=shared against Debian's DPDK
    # 22.11, and the DPDK engine (harness/dpdk/) is built against it.
    dpdk dpdk-dev libdpdk-dev
    # perf: benchmarks.cycle_attribution samples the PMD thread.
    linux-perf
    # OVS's python flow parser (ovs.flow), which tests/odp.at and tests/ofp-actions.at run.
    python3-netaddr
)

if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: must run as root (apt-get, network namespaces); try: sudo make setup" >&2
    exit 2
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup.sh: installing apt packages: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The venv is rebuilt only when pyproject.toml changes.
stamp=.venv/.pyproject.sha256
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setup.sh: creating .venv from pyproject.toml"
    /usr/bin/python3 -m venv --system-site-packages .venv
    .venv/bin/python -m pip install -q --upgrade pip
    # cluster: the SLURM executor plugin, for --profile config/slurm (README "On a cluster").
    .venv/bin/python -m pip install -q -e '.[dev,cluster]'
    echo "$want" > "$stamp"
fi

# bpffs, for loading extensions into the kernel as a cross-check.
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
echo "setup.sh: ok"
