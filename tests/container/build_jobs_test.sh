#!/usr/bin/env bash
# scripts/build-jobs.sh: one compile per core, fewer when memory is short.
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jobs() {  # jobs CORES MEM_AVAILABLE_MB [CGROUP_MAX_BYTES]
  printf 'MemTotal: 99999999 kB\nMemAvailable: %d kB\n' $(( $2 * 1024 )) >"$work/meminfo"
  echo "${3:-max}" >"$work/memory.max"
  TUBEDIGEST_NPROC=$1 TUBEDIGEST_MEMINFO=$work/meminfo TUBEDIGEST_CGROUP_MEMORY_MAX=$work/memory.max \
    "$src/scripts/build-jobs.sh"
}
check() { [[ "$1" == "$2" ]] || { echo "FAIL: $3: got $1, expected $2" >&2; exit 1; }; }
check "$(jobs 4 1800)" 2 "4 cores, 2 GB NAS (1.8 GB available)"
check "$(jobs 4 600)" 1 "less than one job's worth of memory still builds, one at a time"
check "$(jobs 2 24000)" 2 "plenty of memory: one per core"
check "$(jobs 16 8000)" 11 "memory is the limit"
check "$(jobs 8 24000 $((1500 * 1024 * 1024)))" 2 "a container limit of 1.5 GB wins over the host's memory"
check "$(BUILD_JOBS=3 jobs 8 100)" 3 "BUILD_JOBS overrides the rule"
if BUILD_JOBS=zero "$src/scripts/build-jobs.sh" 2>/dev/null; then echo "FAIL: BUILD_JOBS=zero accepted" >&2; exit 1; fi
echo ok
