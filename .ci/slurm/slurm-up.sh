#!/usr/bin/env bash
# Bring up a throw-away single-node SLURM cluster (munged + slurmctld + slurmd) on this
# machine, as root, without systemd, cgroups or anything written to /etc.
# Debian 12 packages: Slurm 22.05, MUNGE 0.5.
#
# Usage:  export SLURM_CI_DIR="$(mktemp -d)"   # conf, keys, state, logs, pids all live here
#         bash .ci/slurm/slurm-up.sh
#         source "$SLURM_CI_DIR/env.sh"        # exports SLURM_CONF and PATH (sacct shim)
# Stop:   bash .ci/slurm/slurm-down.sh         # by pid files only
#
# Without accounting, `sacct` says "accounting storage is disabled"; submitit polls sacct
# and would then wait forever for a job that died without a result. A small shim answers
# sacct's query from slurmctld's own job table (kept MinJobAge seconds), which is enough.
set -euo pipefail
: "${SLURM_CI_DIR:?set SLURM_CI_DIR to an empty scratch directory}"
B=$SLURM_CI_DIR
CTLD_PORT=${SLURM_CI_CTLD_PORT:-6817}
SLURMD_PORT=${SLURM_CI_SLURMD_PORT:-6818}
export DEBIAN_FRONTEND=noninteractive
HERE=$(cd "$(dirname "$0")" && pwd)
# A failed bring-up stops whatever it had started (by pid files), so nothing is left behind.
trap 'bash "$HERE/slurm-down.sh"' ERR

# Another cluster on this machine (a concurrent CI run) would hold the ports: fail early.
for port in "$CTLD_PORT" "$SLURMD_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "slurm-up: port $port is in use (another SLURM on this machine?); set" \
         "SLURM_CI_CTLD_PORT / SLURM_CI_SLURMD_PORT to free ports" >&2
    exit 1
  fi
done

# 1. packages (installed only when missing)
pkgs="slurmctld slurmd slurm-client munge"
need=0; for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || need=1; done
if [ "$need" = 1 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
fi

# 2. directories: munged insists on a private key dir and a 0755 socket dir, both its own
mkdir -p "$B"/{etc,state,spool,log,run,bin,munge,munge-run}
chmod 0755 "$B"   # munged runs as user munge and must reach its folders (mktemp -d gives 0700)
rm -rf "${B:?}"/state/* "${B:?}"/spool/*
chown munge:munge "$B/munge" "$B/munge-run"
chmod 0700 "$B/munge"; chmod 0755 "$B/munge-run"
[ -s "$B/munge/munge.key" ] || runuser -u munge -- mungekey --create --keyfile="$B/munge/munge.key"
SOCK="$B/munge-run/munge.socket"
NCPU=$(nproc)
# RealMemory defaults to 1 MB, which rejects any --mem request: declare 90 % of RAM.
MEM_MB=$(( $(awk '/^MemTotal/{print $2}' /proc/meminfo) / 1024 * 9 / 10 ))

# 3. slurm.conf. NodeName=localhost (slurmd -N) keeps it portable across CI hosts;
# EnforcePartLimits=ALL makes impossible requests fail at once instead of pending forever.
cat > "$B/etc/slurm.conf" <<EOF
ClusterName=ci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
StateSaveLocation=$B/state
SlurmdSpoolDir=$B/spool
SlurmctldPidFile=$B/run/slurmctld.pid
SlurmdPidFile=$B/run/slurmd.pid
SlurmctldLogFile=$B/log/slurmctld.log
SlurmdLogFile=$B/log/slurmd.log
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
EnforcePartLimits=ALL
SlurmdTimeout=300
InactiveLimit=0
MinJobAge=600
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$NCPU RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
: > "$B/etc/plugstack.conf"   # read from SLURM_CONF's folder; an empty one avoids a warning

# 4. sacct shim: submitit runs `sacct -o JobID,State,NodeList --parsable2 -j ID`
cat > "$B/bin/sacct" <<'EOF'
#!/bin/bash
ids=()
while [ $# -gt 0 ]; do
  case "$1" in
    -j|--jobs) ids+=("$2"); shift 2;;
    -j*) ids+=("${1#-j}"); shift;;
    --jobs=*) ids+=("${1#--jobs=}"); shift;;
    *) shift;;
  esac
done
echo "JobID|State|NodeList"
if [ ${#ids[@]} -gt 0 ]; then
  squeue -h -r -t all -j "$(IFS=,; echo "${ids[*]}")" -o '%i|%T|%N' 2>/dev/null || true
else
  squeue -h -r -t all -o '%i|%T|%N' 2>/dev/null || true
fi
EOF
chmod +x "$B/bin/sacct"

cat > "$B/env.sh" <<EOF
export SLURM_CONF=$B/etc/slurm.conf
export PATH=$B/bin:\$PATH
EOF
export SLURM_CONF="$B/etc/slurm.conf"
export PATH="$B/bin:$PATH"

# 5. daemons: each forks and writes its pid file, so nothing keeps our stdout open
runuser -u munge -- munged --socket="$SOCK" \
  --key-file="$B/munge/munge.key" --log-file="$B/munge/munged.log" \
  --pid-file="$B/munge-run/munged.pid" --seed-file="$B/munge/munged.seed"
slurmctld
slurmd -N localhost

# 6. wait for the node to become idle
state=""
for _ in $(seq 1 60); do
  state=$(sinfo -h -n localhost -o '%T' 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 0.5
done
sinfo
if [ "$state" != "idle" ]; then
  echo "slurm-up: node not idle: '$state'" >&2
  tail -n 30 "$B"/log/*.log >&2
  bash "$HERE/slurm-down.sh"
  exit 1
fi
