#!/usr/bin/env bash
# Run the workflow through a throwaway one-node SLURM cluster on this machine, then tear the
# cluster down: munged, slurmctld and slurmd (Debian 12's `munge` and `slurm-wlm`), each
# started here with its own key, sockets, ports, spool and logs in a fresh
# /tmp/xb-slurm-XXXXXX, stopped by PID on exit (and only those), the folder removed.
# The machine's own munge and SLURM configuration (if any) are neither read nor touched.
#
#   scripts/slurm-local.sh [SNAKEMAKE ARGS...]
#   scripts/slurm-local.sh extensions --configfile config/smoke.yaml     (the default)
#   flock /tmp/xb-testbed.lock scripts/slurm-local.sh all --configfile my-one-trial.yaml
#   scripts/slurm-local.sh --exec COMMAND...      (anything else against the cluster)
#
# Snakemake runs with --profile config/slurm --profile config/slurm/local (this cluster's
# partition, no accounts, job status from squeue) plus the workflow's default profile
# (testbed=1). Set XB_SLURM_KEEP=1 to keep the folder (logs) afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    echo "slurm-local.sh: must run as root (the cluster's daemons and the trials)" >&2
    exit 2
fi
missing=()
for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "slurm-local.sh: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if ! .venv/bin/python -c 'import snakemake_executor_plugin_slurm' 2>/dev/null; then
    echo "slurm-local.sh: installing the cluster extra (pyproject.toml)"
    .venv/bin/python -m pip install -q -e '.[dev,cluster]'
fi

D=$(mktemp -d /tmp/xb-slurm-XXXXXX)
chmod 0700 "$D"
PIDS=()

stop() {
    local rc=$?
    # Jobs still on this cluster (an interrupted run) are cancelled first, so that no job
    # step outlives its slurmd; then only the daemons started here, by the PIDs they wrote.
    if [ -n "${SLURM_CONF:-}" ] && [ -s "$D/slurmctld.pid" ]; then
        jobs=$(squeue -h -t PD,R,CG -o %i 2>/dev/null || true)
        if [ -n "$jobs" ]; then
            # shellcheck disable=SC2086
            scancel $jobs 2>/dev/null || true
            for _ in $(seq 60); do
                [ -z "$(squeue -h -t PD,R,CG -o %i 2>/dev/null)" ] && break
                sleep 0.5
            done
        fi
    fi
    for f in "$D/slurmd.pid" "$D/slurmctld.pid" "$D/munged.pid"; do
        [ -s "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    done
    if [ "$rc" -ne 0 ]; then
        for f in "$D"/slurmctld.log "$D"/slurmd.log; do
            [ -f "$f" ] && { echo "== $f (last lines)"; tail -n 20 "$f"; } >&2
        done
    fi
    if [ -n "${XB_SLURM_KEEP:-}" ]; then
        echo "slurm-local.sh: kept $D" >&2
    else
        rm -rf "$D"
    fi
    exit "$rc"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two free TCP ports for slurmctld and slurmd.
read -r CTLD_PORT SLURMD_PORT < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
)
HOST=$(hostname -s)
NODE=$(slurmd -C | head -n 1)   # NodeName=… CPUs=… RealMemory=…: what this machine has
mkdir -p "$D/state" "$D/spool"

# munge: a fresh key, its own socket.
dd if=/dev/urandom of="$D/munge.key" bs=1024 count=1 status=none
chmod 0400 "$D/munge.key"
munged --key-file="$D/munge.key" --socket="$D/munge.socket" --pid-file="$D/munged.pid" \
    --log-file="$D/munged.log" --seed-file="$D/munged.seed" --force
for _ in $(seq 50); do [ -S "$D/munge.socket" ] && break; sleep 0.1; done

cat > "$D/slurm.conf" <<EOF
ClusterName=xb
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
PlugStackConfig=$D/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to squeue long enough for Snakemake's status checks.
MinJobAge=600
$NODE State=UNKNOWN
PartitionName=xb Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
: > "$D/plugstack.conf"
export SLURM_CONF=$D/slurm.conf
# The job step (snakemake-executor-plugin-slurm-jobstep 0.6.1) runs each job's command with
# `srun` in an environment stripped of every SLURM_* variable but the job's identity,
# SLURM_CONF included (as snakemake-executor-plugin-slurm issue #164 found for sacctmgr):
# srun then looks for /etc/slurm/slurm.conf or DNS SRV records and fails. A real cluster
# keeps its config there; this one keeps it in $D, so srun is wrapped to find it.
mkdir -p "$D/bin"
printf '#!/bin/sh\nSLURM_CONF=%s exec /usr/bin/srun "$@"\n' "$SLURM_CONF" > "$D/bin/srun"
chmod +x "$D/bin/srun"
export PATH=$D/bin:$PATH

slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
    sinfo -h -o %T 2>/dev/null | grep -q -x -E 'idle|mixed|allocated' && break
    sleep 0.2
done
if ! sinfo -h -o %T 2>/dev/null | grep -q -x -E 'idle|mixed|allocated'; then
    echo "slurm-local.sh: the node did not come up" >&2
    sinfo >&2 || true
    exit 1
fi
echo "slurm-local.sh: cluster up in $D:" >&2
sinfo >&2

if [ "${1:-}" = "--exec" ]; then   # any command against the cluster (sinfo, sbatch, …)
    shift
    "$@"
    exit
fi
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(extensions --configfile config/smoke.yaml)
# The target first: --configfile and --profile take several values.
.venv/bin/snakemake "${args[@]}" --profile config/slurm --profile config/slurm/local
