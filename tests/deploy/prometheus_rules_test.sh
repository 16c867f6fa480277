#!/usr/bin/env bash
# deploy/prometheus/ as Prometheus reads it: promtool accepts the rules,
# their unit tests pass (each rule fires and stays quiet where it should),
# the alertnames are the built-in evaluator's (libs/alerts/rules.h), and
# every metric the rules read is one GET /metrics documents (README).
# promtool comes with Debian's prometheus package (scripts/deps.sh --test);
# without it this test fails rather than passing unchecked.
set -euo pipefail
src=$1
dir=$src/deploy/prometheus
fail() { echo "FAIL: $*" >&2; exit 1; }

promtool=${PROMTOOL:-promtool}
command -v "$promtool" >/dev/null 2>&1 ||
  fail "promtool not found: install Debian's prometheus package (scripts/deps.sh --test does) or set PROMTOOL"

echo "1. promtool check rules"
"$promtool" check rules "$dir/alerts.yml" || fail "promtool check rules refused alerts.yml"

echo "2. promtool test rules"
"$promtool" test rules "$dir/alerts_test.yml" || fail "promtool test rules failed (alerts_test.yml)"

echo "3. the built-in alertnames, no more, no fewer"
ours=$(grep -oE '^\s*- alert: [A-Za-z]+' "$dir/alerts.yml" | awk '{print $3}' | sort -u)
builtin=$(grep -oE 'inline constexpr const char\* k[A-Za-z]+ = "[A-Za-z]+"' "$src/libs/alerts/rules.h" |
  sed -E 's/.*"([A-Za-z]+)"/\1/' | sort -u)
[[ -n $builtin ]] || fail "no alertnames found in libs/alerts/rules.h"
[[ "$ours" == "$builtin" ]] || fail "alertnames differ: alerts.yml has [$(echo $ours)], rules.h [$(echo $builtin)]"

echo "4. every metric the rules read is documented for GET /metrics"
for m in $(grep -oE 'tubedigest_[a-z_]+' "$dir/alerts.yml" | sort -u); do
  grep -q "\`$m[{\`]" "$src/README.md" || fail "$m is not in README's /metrics row"
done
echo "ok"
