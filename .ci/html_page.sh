#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium (Debian's package) renders the page of an
# example's verdict to a screenshot, and dumps the DOM after load. The page records any script
# error or Content-Security-Policy violation into <body data-errors="N"> (src/report/html.rs),
# so the dump says whether it rendered cleanly; Chromium's own console log is checked too.
#
# usage: .ci/html_page.sh GONOGO_BINARY OUT_DIR
set -euo pipefail
GONOGO=$(realpath "$1")
OUT=$(mkdir -p "$2" && realpath "$2")
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v chromium >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

# One page in English (the no-go example, with the next stage's preview), one in French.
(cd "$ROOT/examples/stage3-nogo" &&
  "$GONOGO" check --offline --next --output /dev/null --report "html=$OUT/gonogo.html" >/dev/null) || true
(cd "$ROOT/examples/stage1-opportunity" &&
  "$GONOGO" check --lang fr --next --report "html=$OUT/gonogo-fr.html" >/dev/null) || true

PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$PROFILE" "$@"
}

for page in gonogo gonogo-fr; do
  rm -f "$OUT/$page.png"
  chrome --window-size=1200,1600 --screenshot="$OUT/$page.png" \
    --enable-logging=stderr --v=0 "file://$OUT/$page.html" 2>"$OUT/$page.console.log" >/dev/null
  if [ ! -s "$OUT/$page.png" ]; then
    echo "FAIL: no screenshot of $page.html"; cat "$OUT/$page.console.log"; exit 1
  fi
  if grep -E 'CONSOLE|Uncaught|Refused to' "$OUT/$page.console.log"; then
    echo "FAIL: console errors rendering $page.html"; exit 1
  fi
  chrome --dump-dom "file://$OUT/$page.html" 2>/dev/null >"$OUT/$page.dom.html"
  body=$(grep -o '<body[^>]*>' "$OUT/$page.dom.html" || true)
  case "$body" in
    *'data-errors="0"'*'data-ready="1"'*) echo "ok $page.html: $body, $(stat -c %s "$OUT/$page.png") bytes of screenshot" ;;
    *) echo "FAIL: $page.html did not render cleanly: ${body:-no body}"
       grep -o '<ol id="page-errors">.*</ol>' "$OUT/$page.dom.html" || true
       exit 1 ;;
  esac
done
