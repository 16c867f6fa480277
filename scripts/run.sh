#!/usr/bin/env bash
# Runs tubedigest on this machine: installs what is missing, builds, starts a
# PostgreSQL in a data folder, and runs the four services with the offline
# defaults (extractive summarizer, espeak-ng voices). Ctrl-C stops everything.
# A second run reuses the data.
#
#   TUBEDIGEST_DATA  where the database and logs live (default: ./data)
#   TUBEDIGEST_PG_PORT  the local PostgreSQL port (default: 54329)
#   GATEWAY_LISTEN   the web address (default: 127.0.0.1:6452)
# Every other setting of the services (README, "Configuration") is read from
# the environment, and from ./.env when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/lib/pg.sh

if [[ -f .env ]]; then
  set -a
  source .env
  set +a
fi

scripts/deps.sh
if ! command -v yt-dlp >/dev/null 2>&1 && [[ -z "${YTDLP_PATH:-}" ]]; then
  echo "run: installing yt-dlp (Debian's; see README about using a current one)" >&2
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq yt-dlp >/dev/null 2>&1 || true
fi
scripts/build.sh

data=${TUBEDIGEST_DATA:-$root/data}
mkdir -p "$data/logs"
pgdata="$data/pg"
# As root the cluster belongs to `postgres`, who must be able to reach it
# (a checkout under /root is not reachable): fall back to /var/lib.
if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$data" 2>/dev/null; then
  pgdata=/var/lib/tubedigest/pg
  mkdir -p /var/lib/tubedigest
  chown postgres: /var/lib/tubedigest
  echo "run: $data is not reachable by the postgres user; the database lives in $pgdata"
fi
port=${TUBEDIGEST_PG_PORT:-54329}
pg_init "$pgdata"
if [[ ! -f "$pgdata/postmaster.pid" ]]; then
  pg_start "$pgdata" "$port"
fi
export DATABASE_URL="postgresql://tubedigest@127.0.0.1:$port/tubedigest"
if ! psql "postgresql://tubedigest@127.0.0.1:$port/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'tubedigest'" | grep -q 1; then
  psql "postgresql://tubedigest@127.0.0.1:$port/postgres" -qc "CREATE DATABASE tubedigest" >/dev/null
fi
build/bin/tubedigest migrate

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "run: stopping services..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pg_stop "$pgdata"
  echo "run: stopped (data kept in $data)"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

export GATEWAY_LISTEN=${GATEWAY_LISTEN:-127.0.0.1:6452}
for service in ingest summarize tts gateway; do
  "build/bin/tubedigest-$service" --no-migrate >>"$data/logs/$service.log" 2>&1 &
  pids+=($!)
done

url="http://$GATEWAY_LISTEN"
for _ in $(seq 1 100); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
cat <<MSG

tubedigest is running: $url
  submit a video:  build/bin/tubedigest submit https://youtu.be/<id> --wait
                   (DATABASE_URL=$DATABASE_URL)
  logs:            $data/logs/
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}" || true
echo "run: a service exited; see $data/logs/" >&2
exit 1
