#!/usr/bin/env bash
# compose.yaml as Debian's docker-compose (1.29) reads it: valid with no
# .env, with .env.example copied as .env and with a .env of awkward values;
# every setting of the executables listed in .env.example and passed through
# compose with its default; only the gateway binds a port.
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/compose.yaml" "$src/Dockerfile" "$work/"
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "1. no .env: valid, and the defaults are in compose.yaml"
docker-compose config -q || fail "compose.yaml needs a .env"
config=$(docker-compose config)
grep -q "GATEWAY_LISTEN: 0.0.0.0:6452" <<<"$config" || fail "gateway listen default missing"
grep -q "YTDLP_AUTO_UPDATE: 'on'\|YTDLP_AUTO_UPDATE: \"on\"\|YTDLP_AUTO_UPDATE: on" <<<"$config" || fail "yt-dlp auto-update is not on by default"

echo "2. .env.example copied as .env"
cp "$src/.env.example" .env
docker-compose config -q

echo "3. a password with @ / # : and empty values"
printf 'POSTGRES_PASSWORD=p@ss/w#rd:x\nPROMPTS_DIR=\nGATEWAY_LISTEN=\nAPI_AUTH_TOKEN=t0k\n' >.env
config=$(docker-compose config)
[[ $(grep -c 'PGPASSWORD: p@ss/w#rd:x' <<<"$config") == 4 ]] || fail "PGPASSWORD not passed whole to the four services"
grep -q 'POSTGRES_PASSWORD: p@ss/w#rd:x' <<<"$config" || fail "postgres did not get the password"
grep -q 'DATABASE_URL: .*@' <<<"$config" && fail "a URL is built from the password"
grep -q "GATEWAY_LISTEN: 0.0.0.0:6452" <<<"$config" || fail "an empty GATEWAY_LISTEN overrode the default"
rm .env

services=$(docker-compose config --services | sort | tr '\n' ' ')
[[ "$services" == "gateway ingest postgres summarize tts " ]] || fail "services are '$services'"
# Only the gateway publishes a port; workers must scale.
ports=$(docker-compose config | grep -c 'published:' || true)
[[ "$ports" == "1" ]] || fail "expected exactly one published port (the gateway), found $ports"

echo "4. every setting the executables read is in .env.example and compose.yaml"
read_vars=$(grep -rhoE 'env::get[a-z_]*\("[A-Z_0-9]+"' "$src/libs" "$src/services" | sed -E 's/.*\("//; s/"//' |
            grep -v '^TUBEDIGEST_' | sort -u)
listed=$(grep -oE '^#[A-Z_0-9]+=' "$src/.env.example" | tr -d '#=' | sort -u)
missing=$(comm -23 <(echo "$read_vars") <(echo "$listed"))
[[ -z "$missing" ]] || fail ".env.example does not list: $missing"
for var in $listed; do
  grep -q "\${$var:-" "$src/compose.yaml" || fail "compose.yaml does not pass $var (as \${$var:-default})"
done
grep -q 'env_file' "$src/compose.yaml" && fail "env_file makes a .env mandatory for docker-compose 1.29"

echo "5. the audio and yt-dlp volumes are shared where they are used"
for svc in tts gateway; do
  docker-compose config | awk -v s="  $svc:" '$0==s{on=1;next} /^  [a-z]/{on=0} on' | grep -q 'audio:/var/lib/tubedigest/audio' ||
    fail "$svc does not mount the audio volume"
done
docker-compose config | awk '$0=="  ingest:"{on=1;next} /^  [a-z]/{on=0} on' | grep -q 'ytdlp:/var/lib/tubedigest/yt-dlp' ||
  fail "ingest does not keep yt-dlp on a volume"
echo ok
