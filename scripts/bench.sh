#!/usr/bin/env bash
# Builds and runs the benchmarks against a throwaway PostgreSQL with default
# durability (fsync and synchronous_commit on), on a free loopback port.
#   scripts/bench.sh                 # every benchmark
#   scripts/bench.sh queue_bench --jobs 20000   # one, with its arguments
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/pg.sh
scripts/deps.sh
scripts/build.sh

data=$(mktemp -d /tmp/tubedigest-bench-pg.XXXXXX)
chmod 755 "$data"
trap 'pg_stop "$data/cluster"; rm -rf "$data"' EXIT
port=$(pg_free_port)
pg_init "$data/cluster"
pg_start "$data/cluster" "$port"
url="postgresql://tubedigest@127.0.0.1:$port/postgres"

if [[ $# -gt 0 ]]; then
  name=$1
  shift
  "build/bin/$name" --database-url "$url" "$@"
  exit
fi
for b in build/bin/*_bench; do
  echo "== $(basename "$b")"
  "$b" --database-url "$url"
done
