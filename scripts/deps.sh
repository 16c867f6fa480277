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
  # EventSource in tests/browser; prometheus brings promtool, which checks
  # the rules in deploy/prometheus/ (tests/deploy). Its package also holds
  # the Prometheus server, which it would start and enable at boot: see
  # below.
  packages+=(docker-compose chromium python3-venv python3-pip prometheus)
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

# The prometheus package starts its server from its postinst (invoke-rc.d,
# or deb-systemd-invoke under systemd) and enables it at boot; the tests
# only want promtool. A policy-rc.d that refuses that one service (exit
# 101 for "prometheus" and "prometheus.service") keeps it from starting and lets every other package behave as
# usual; one already in place (container images have one) is left alone.
# (--no-install-recommends also keeps prometheus-node-exporter out.)
installing_prometheus=false
[[ " ${missing[*]} " == *" prometheus "* ]] && installing_prometheus=true
policy=/usr/sbin/policy-rc.d
added_policy=false
if $installing_prometheus && [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# scripts/deps.sh: no packaged Prometheus server while installing promtool.\ncase "$1" in prometheus|prometheus.service) exit 101 ;; esac\nexit 0\n' |
    "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  added_policy=true
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi

"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

if $installing_prometheus; then
  if $added_policy; then
    "${sudo[@]}" rm -f "$policy"
    trap - EXIT
  fi
  # Nothing was started; make sure nothing starts at boot either (and stop
  # a server a permissive policy let through).
  if [[ -d /run/systemd/system ]]; then
    "${sudo[@]}" systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  elif [[ -x /etc/init.d/prometheus ]]; then
    "${sudo[@]}" /etc/init.d/prometheus stop >/dev/null 2>&1 || true
    "${sudo[@]}" update-rc.d prometheus disable >/dev/null 2>&1 || true
  fi
fi
