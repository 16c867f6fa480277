#!/usr/bin/env bash
# Installs the Debian 12 packages tubedigest needs, only those missing.
# Idempotent and quiet when nothing is missing. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates curl python3
  libpqxx-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev libspdlog-dev libcxxopts-dev doctest-dev
  libespeak-ng-dev espeak-ng-data libmp3lame-dev libmpg123-dev libcld2-dev
  apertium apertium-eng-spa apertium-fr-es
  postgresql-15 postgresql-client-15
  docker-compose
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
