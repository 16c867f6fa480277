#!/usr/bin/env bash
# Validates compose.yaml with docker-compose config, using .env.example as
# the .env a user would copy, and checks that only the gateway binds a port.
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/compose.yaml" "$src/Dockerfile" "$work/"
cp "$src/.env.example" "$work/.env"
cd "$work"
docker-compose config -q
services=$(docker-compose config --services | sort | tr '\n' ' ')
expected="gateway ingest postgres summarize tts "
if [[ "$services" != "$expected" ]]; then
  echo "services are '$services', expected '$expected'"
  exit 1
fi
# Only the gateway publishes a port; workers must scale.
config=$(docker-compose config)
ports=$(printf '%s\n' "$config" | grep -c 'published:' || true)
if [[ "$ports" != "1" ]]; then
  echo "expected exactly one published port (the gateway), found $ports"
  exit 1
fi
# Every variable the services read is listed in .env.example.
for var in DATABASE_URL GATEWAY_LISTEN SUMMARIZER TTS_ENGINE DEFAULT_VARIANTS REPROCESS_AUTH_TOKEN; do
  grep -q "^#\? *$var=" "$src/.env.example" || { echo ".env.example does not list $var"; exit 1; }
done
