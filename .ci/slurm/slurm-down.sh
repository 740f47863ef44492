#!/usr/bin/env bash
# Stop the daemons started by slurm-up.sh, by their pid files only (never by name).
# Safe to call twice or after a failed start; always exits 0 so it can sit in a trap.
: "${SLURM_CI_DIR:?set SLURM_CI_DIR to the folder given to slurm-up.sh}"
B=$SLURM_CI_DIR
for f in "$B/run/slurmd.pid" "$B/run/slurmctld.pid" "$B/munge-run/munged.pid"; do
  [ -s "$f" ] || continue
  pid=$(cat "$f"); rm -f "$f"
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 1 60); do  # until gone, or a zombie (some PID 1s reap lazily)
    st=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    case "$st" in ""|Z*) break;; esac
    sleep 0.25
  done
done
exit 0
