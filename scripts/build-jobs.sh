#!/usr/bin/env bash
# Prints how many compiles may run at once: one per core, but no more than
# the memory allows, so a small NAS (say 4 cores, 2 GB) does not run out of
# memory building the image. The heaviest translation units need about
# 480 MB each (bench/README.md, "Build"); TUBEDIGEST_MB_PER_JOB (default 700)
# leaves room for the linker and the rest of the machine.
#   BUILD_JOBS=N        use N, whatever the machine (the Dockerfile's build arg)
#   TUBEDIGEST_MEMINFO  file to read instead of /proc/meminfo (tests)
#   TUBEDIGEST_CGROUP_MEMORY_MAX  file to read instead of /sys/fs/cgroup/memory.max
#   TUBEDIGEST_NPROC    core count instead of nproc (tests)
set -euo pipefail
if [[ -n "${BUILD_JOBS:-}" ]]; then
  [[ "$BUILD_JOBS" =~ ^[1-9][0-9]*$ ]] || { echo "BUILD_JOBS must be a positive number, got '$BUILD_JOBS'" >&2; exit 2; }
  echo "$BUILD_JOBS"
  exit 0
fi
per_job=${TUBEDIGEST_MB_PER_JOB:-700}
cores=${TUBEDIGEST_NPROC:-$(nproc)}
avail_kb=$(awk '/^MemAvailable:/ {print $2}' "${TUBEDIGEST_MEMINFO:-/proc/meminfo}" 2>/dev/null || true)
avail_mb=$(( ${avail_kb:-0} / 1024 ))
# A container's memory limit (cgroup v2) can be far below what the host has.
limit=$(cat "${TUBEDIGEST_CGROUP_MEMORY_MAX:-/sys/fs/cgroup/memory.max}" 2>/dev/null || true)
if [[ "$limit" =~ ^[0-9]+$ ]]; then
  limit_mb=$(( limit / 1024 / 1024 ))
  (( avail_mb == 0 || limit_mb < avail_mb )) && avail_mb=$limit_mb
fi
jobs=$cores
if (( avail_mb > 0 )); then
  by_memory=$(( avail_mb / per_job ))
  (( by_memory < jobs )) && jobs=$by_memory
fi
(( jobs < 1 )) && jobs=1
echo "$jobs"
