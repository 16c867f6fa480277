#!/usr/bin/env bash
# The image's yt-dlp update path, end to end against a local package index:
# scripts/container/tubedigest-ytdlp-update installs from YTDLP_PIP_INDEX_URL
# into YTDLP_HOME, swaps the copy in only once it runs, keeps it on any
# failure, and the image's yt-dlp wrapper runs whatever is current.
set -euo pipefail
src=$1
update=$src/scripts/container/tubedigest-ytdlp-update
wrapper=$src/scripts/container/yt-dlp
work=$(mktemp -d)
server=
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve DIR: a package index on loopback (pip treats 127.0.0.1 as secure).
serve() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  p=$(port)
  python3 -m http.server --bind 127.0.0.1 --directory "$1" "$p" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.05; done
  export YTDLP_PIP_INDEX_URL=http://127.0.0.1:$p/simple/
}

export YTDLP_HOME=$work/home YTDLP_BUNDLED=$work/bundled
python3 "$src/tests/container/make_index.py" "$work/v1" 2099.1.1
python3 "$src/tests/container/make_index.py" "$work/v2" 2099.1.1 2099.1.2
python3 "$src/tests/container/make_index.py" "$work/v3" 2099.1.1 2099.1.2 2099.1.3:broken

echo "1. the first update installs what the index offers"
serve "$work/v1"
out=$("$update") || fail "first update failed: $out"
[[ "$out" == "yt-dlp updated bundled -> 2099.1.1" ]] || fail "first update said '$out'"
[[ "$("$wrapper" --version)" == "2099.1.1" ]] || fail "wrapper does not run 2099.1.1"

echo "2. nothing new: nothing changes"
out=$("$update") || fail "second update failed"
[[ "$out" == "yt-dlp 2099.1.1 is current" ]] || fail "second update said '$out'"
[[ $(ls -d "$YTDLP_HOME"/venv-* | wc -l) == 1 ]] || fail "a venv was made for nothing"

echo "3. a new release replaces it; the previous copy is kept, no more"
serve "$work/v2"
out=$("$update") || fail "update to 2099.1.2 failed: $out"
[[ "$out" == "yt-dlp updated 2099.1.1 -> 2099.1.2" ]] || fail "said '$out'"
[[ "$("$wrapper" --version)" == "2099.1.2" ]] || fail "wrapper does not run 2099.1.2"
[[ -d "$YTDLP_HOME/venv-2099.1.1" ]] || fail "the replaced copy was removed at once"

echo "4. a release that does not run is refused; the working copy stays"
serve "$work/v3"
if err=$("$update" 2>&1); then fail "a broken release was accepted: $err"; fi
[[ "$err" == *"2099.1.3 does not run"*"keeping 2099.1.2"* ]] || fail "unclear refusal: $err"
[[ "$("$wrapper" --version)" == "2099.1.2" ]] || fail "the broken release replaced the working copy"
[[ ! -e "$YTDLP_HOME/venv-2099.1.3" ]] || fail "the broken venv was left behind"

echo "5. an unreachable index fails with its reason; the working copy stays"
kill "$server"; wait "$server" 2>/dev/null || true; server=
if err=$("$update" 2>&1); then fail "an unreachable index counted as success"; fi
[[ "$err" == *"cannot reach the package index"* ]] || fail "unclear failure: $err"
[[ "$("$wrapper" --version)" == "2099.1.2" ]] || fail "working copy lost"

echo "6. the copy survives a new container: only YTDLP_HOME (the volume) is kept"
[[ "$(env -i PATH="$PATH" YTDLP_HOME="$YTDLP_HOME" "$wrapper" --version)" == "2099.1.2" ]] || fail "not found from YTDLP_HOME"
echo "ok"
