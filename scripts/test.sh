#!/usr/bin/env bash
# Installs what is missing, builds, starts a throwaway PostgreSQL on a free
# loopback port, runs every test with ctest, and removes the cluster even
# when tests fail. Arguments go to ctest (e.g. scripts/test.sh -R queue).
#   SANITIZE=address,undefined scripts/test.sh   builds into build-sanitize/
#                                                with those sanitizers first
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/lib/pg.sh

scripts/deps.sh --test
build_dir=build
if [[ -n "${SANITIZE:-}" ]]; then
  build_dir=build-sanitize
  BUILD_DIR=$build_dir CMAKE_BUILD_TYPE=RelWithDebInfo scripts/build.sh -DTUBEDIGEST_SANITIZE="$SANITIZE"
else
  scripts/build.sh
fi

data=$(mktemp -d /tmp/tubedigest-test-pg.XXXXXX)
chmod 755 "$data"
cleanup() {
  pg_stop "$data/cluster"
  rm -rf "$data"
}
trap cleanup EXIT

port=$(pg_free_port)
pg_init "$data/cluster"
# Throwaway data: durability off makes the suite fast. (The benchmarks run
# with default durability; see bench/README.md.)
pg_start "$data/cluster" "$port" fsync=off synchronous_commit=off full_page_writes=off
export TUBEDIGEST_TEST_DATABASE_URL="postgresql://tubedigest@127.0.0.1:$port/postgres"
export TUBEDIGEST_TEST_PGDATA="$data/cluster"
echo "test: PostgreSQL on 127.0.0.1:$port (data in $data)"

cd "$build_dir"
ctest --output-on-failure -j 2 "$@"
