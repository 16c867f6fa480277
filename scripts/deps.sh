#!/usr/bin/env bash
# Installs the Debian 12 packages tubedigest needs, only those missing.
# Idempotent and quiet when nothing is missing. Uses sudo when not root.
#   scripts/deps.sh          what building and running need
#   scripts/deps.sh --test   also what only the tests use (scripts/test.sh)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates curl python3
  libpqxx-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev libspdlog-dev libcxxopts-dev doctest-dev
  libespeak-ng-dev espeak-ng-data libmp3lame-dev libmpg123-dev libcld2-dev
  apertium apertium-eng-spa apertium-fr-es hunspell-en-us hunspell-fr hunspell-es
  postgresql-15 postgresql-client-15
)
if [[ "${1:-}" == "--test" ]]; then
  # docker-compose validates compose.yaml; chromium runs the dashboard's
  # EventSource in tests/browser.
  packages+=(docker-compose chromium python3-venv python3-pip)
fi

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
