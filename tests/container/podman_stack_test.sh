#!/usr/bin/env bash
# Opt-in (TUBEDIGEST_CONTAINER_TESTS=1): the image and the compose stack for
# real, under podman, with nothing from the internet but Debian's packages:
#   - base images from debootstrap (debian:bookworm, -slim), and a stand-in
#     postgres:15-bookworm (postgres-standin/);
#   - the image built from the Dockerfile, its yt-dlp from a local package
#     index (a stand-in release; tests/container/make_index.py);
#   - compose.yaml run by docker-compose against podman's Docker API, with no
#     .env but the token, a password with @ / # :, and the shared AUDIO_DIR;
#   - a transcript submitted, its report and MP3 served, the yt-dlp version
#     in /api/metrics, scale-out, and data kept across down/up.
# Needs root, podman, runc, debootstrap, docker-compose (apt). Takes ~10 min.
set -euo pipefail
if [[ "${TUBEDIGEST_CONTAINER_TESTS:-}" != 1 ]]; then
  echo "skipped: set TUBEDIGEST_CONTAINER_TESTS=1 to build and run the image under podman"
  exit 77
fi
src=$1
cache=${TUBEDIGEST_CONTAINER_CACHE:-/var/tmp/tubedigest-container-cache}
work=$(mktemp -d)
project=tdtest$$
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$cache"
for tool in podman runc debootstrap docker-compose curl openssl; do
  command -v "$tool" >/dev/null || fail "needs $tool (apt-get install podman runc debootstrap docker-compose curl openssl)"
done

# This sandbox lets no process set another's rlimits, and runs no systemd:
# no default ulimits, runc, cgroupfs, file events.
cat >"$work/containers.conf" <<'CONF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF=$work/containers.conf

index_pid= service_pid= health_pid=
cleanup() {
  [[ -n "$health_pid" ]] && kill "$health_pid" 2>/dev/null
  if [[ -n "$service_pid" ]]; then
    (cd "$work/project" && docker-compose -p "$project" down -v >/dev/null 2>&1) || true
    kill "$service_pid" 2>/dev/null || true
  fi
  [[ -n "$index_pid" ]] && kill "$index_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "1. base images"
if ! podman image exists docker.io/library/debian:bookworm; then
  [[ -f "$cache/rootfs/etc/debian_version" ]] || debootstrap --variant=minbase bookworm "$cache/rootfs" http://deb.debian.org/debian >/dev/null
  tar -C "$cache/rootfs" -c . | podman import -q - docker.io/library/debian:bookworm >/dev/null
fi
podman tag docker.io/library/debian:bookworm docker.io/library/debian:bookworm-slim
if ! podman image exists docker.io/library/postgres:15-bookworm; then
  podman build -q --network host -t docker.io/library/postgres:15-bookworm "$src/tests/container/postgres-standin" >/dev/null
fi

echo "2. the image, with yt-dlp from a local index"
python3 "$src/tests/container/make_index.py" "$work/index" 2099.1.1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/index" "$port" >/dev/null 2>&1 &
index_pid=$!
start=$(date +%s)
podman build --network host --build-arg YTDLP_PIP_INDEX_URL="http://127.0.0.1:$port/simple/" \
  -t localhost/tubedigest:latest -t docker.io/library/tubedigest:latest "$src" >"$work/build.log" 2>&1 ||
  { tail -n 30 "$work/build.log"; fail "image build failed"; }
echo "   built in $(( $(date +%s) - start )) s; $(grep -o 'building with [0-9]* parallel jobs' "$work/build.log")"
[[ "$(podman run --rm localhost/tubedigest:latest yt-dlp --version)" == "2099.1.1" ]] || fail "the image's yt-dlp is not the index's"
[[ "$(podman run --rm localhost/tubedigest:latest id -un)" == "tubedigest" ]] || fail "the image does not run as tubedigest"

echo "3. compose up with no .env but the token and a hard password"
podman system service --time=0 "unix://$work/podman.sock" >/dev/null 2>&1 &
service_pid=$!
export DOCKER_HOST=unix://$work/podman.sock
for _ in $(seq 1 100); do [[ -S "$work/podman.sock" ]] && break; sleep 0.1; done
# podman runs healthchecks from systemd timers; without systemd, run them here
# (compose waits for postgres to be healthy before starting the services).
(while true; do for c in $(podman ps -q); do podman healthcheck run "$c" >/dev/null 2>&1 || true; done; sleep 2; done) &
health_pid=$!
mkdir -p "$work/project"
cp "$src/compose.yaml" "$work/project/"
token=$(openssl rand -hex 16)
gw_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'API_AUTH_TOKEN=%s\nPOSTGRES_PASSWORD=p@ss/w#rd:x\nAUDIO_DIR=/var/lib/tubedigest/audio\nGATEWAY_PORT=%s\n' \
  "$token" "$gw_port" >"$work/project/.env"
cd "$work/project"
docker-compose -p "$project" up -d --no-build >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "compose up failed"; }
gw=http://127.0.0.1:$gw_port
ready() { for _ in $(seq 1 "$1"); do curl -fsS "$gw/readyz" >/dev/null 2>&1 && return 0; sleep 1; done; return 1; }
ready 180 || { docker-compose -p "$project" logs --tail 30; fail "gateway never became ready"; }

echo "4. a transcript becomes a report and an MP3"
body=$(python3 -c 'import json,sys; print(json.dumps({"url": "https://youtu.be/pOdMaNtEst1", "variants": ["comprehensive", "audio"], "transcript": open(sys.argv[1]).read()}))' "$src/tests/summarize/gettysburg.txt")
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$gw/api/submit" -d "$body")
[[ "$code" == 401 ]] || fail "submit without the token answered $code"
curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$gw/api/submit" -d "$body" >/dev/null
for _ in $(seq 1 120); do
  n=$(curl -fsS "$gw/api/reports/yt:pOdMaNtEst1" | python3 -c 'import json,sys; print(sum("audio_url" in v for v in json.load(sys.stdin)["summary"]["variants"]))' 2>/dev/null || echo 0)
  [[ "$n" == 1 ]] && break
  sleep 1
done
[[ "$n" == 1 ]] || { docker-compose -p "$project" logs --tail 30; fail "no audio after 120 s"; }
curl -fsS "$gw/api/audio/yt:pOdMaNtEst1/audio.mp3" -o "$work/a.mp3"
[[ $(stat -c %s "$work/a.mp3") -gt 10000 ]] || fail "MP3 too small"
docker-compose -p "$project" exec -T tts sh -c 'ls /var/lib/tubedigest/audio/*.mp3' >/dev/null || fail "the MP3 is not in the audio volume"
# The update at start cannot reach PyPI here: the image's own copy stays.
for _ in $(seq 1 60); do
  version=$(curl -fsS "$gw/api/metrics" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ytdlp"]["version"])')
  [[ "$version" == "2099.1.1" ]] && break
  sleep 1
done
[[ "$version" == "2099.1.1" ]] || fail "/api/metrics ytdlp.version is '$version'"

echo "5. scale out, then down and up: the data stays"
docker-compose -p "$project" up -d --no-build --scale summarize=2 --scale tts=2 >/dev/null 2>&1
docker-compose -p "$project" down >/dev/null 2>&1
docker-compose -p "$project" up -d --no-build >/dev/null 2>&1
ready 180 || fail "gateway not ready after down/up"
curl -fsS "$gw/api/reports/yt:pOdMaNtEst1" >/dev/null || fail "the report is gone after down/up"
curl -fsS "$gw/api/audio/yt:pOdMaNtEst1/audio.mp3" -o "$work/b.mp3" && cmp -s "$work/a.mp3" "$work/b.mp3" || fail "the MP3 changed or vanished"
echo ok
