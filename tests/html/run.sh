#!/usr/bin/env bash
# The HTML reports in a real browser, run by .ci/run: renders `check`, `plan` and
# `conformance` of the examples and of a folder of hostile text (tests/fixtures/html/hostile)
# with headless Chromium, checks the DOM it built against the JSON report of the same inputs
# (tests/html/check_dom.py: every finding's code and line, every plan change, every policy of
# the matrix, nothing loaded or run) and takes a screenshot of each into
# target/html-screenshots/ for a person to look at. Needs `chromium` (Debian's package; .ci/run
# installs it when missing).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
out="$repo/target/html-reports"
shots="$repo/target/html-screenshots"
rm -rf "$out" "$shots"
mkdir -p "$out" "$shots"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "FAILED: no chromium on PATH (apt-get install chromium)"
  exit 1
fi
"$browser" --version 2>/dev/null

echo "== building mamlint"
cargo build --locked --quiet
mamlint="$repo/target/debug/mamlint"

# Chromium wants a writable home and a profile of its own, and prints GPU and D-Bus noise on
# standard error that says nothing about the page: it is kept in a log beside the report.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chrome() {
  HOME="$profile" timeout 60 "$browser" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$profile/data" --no-first-run --hide-scrollbars "$@"
}

passed=0
failed=0

# render NAME KIND EXIT EXPECTED-TEXT... -- MAMLINT-ARGS...: writes NAME.html and NAME.json with
# the same arguments, checks the exit code, then the DOM and the screenshot.
render() {
  local name="$1" kind="$2" want="$3"
  shift 3
  local texts=()
  while [ "$1" != "--" ]; do texts+=(--expect-text "$1"); shift; done
  shift
  local page="$out/$name.html" code=0
  "$mamlint" "$kind" "$@" --format "html=$page" 2>"$out/$name.stderr" || code=$?
  "$mamlint" "$kind" "$@" --format "json=$out/$name.json" 2>/dev/null || true
  if [ "$code" != "$want" ]; then
    echo "FAILED: $name: mamlint $kind exited $code, not $want"; cat "$out/$name.stderr"
    failed=$((failed + 1)); return
  fi
  chrome --dump-dom "file://$page" >"$out/$name.dom.html" 2>"$out/$name.chromium.log"
  chrome --window-size=1280,2000 --screenshot="$shots/$name.png" "file://$page" \
    >>"$out/$name.chromium.log" 2>&1
  if [ ! -s "$shots/$name.png" ]; then
    echo "FAILED: $name: no screenshot"; failed=$((failed + 1)); return
  fi
  if python3 tests/html/check_dom.py "$kind" "$out/$name.dom.html" "$out/$name.json" \
    ${texts[@]+"${texts[@]}"}; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
}

hostile=tests/fixtures/html/hostile
name="<script>alert('mamlint')</script> & <img src=x onerror=alert(1)> \"Jira\""

render check-broken check 1 -- examples/broken
render check-clean check 0 "All checks passed" -- examples/clean
render check-hostile check 1 "$name" "# <script>document.title='pwned'</script>" -- "$hostile"
render plan-examples plan 3 -- examples/clean --current examples/tenant-state
render plan-hostile plan 3 "$name" -- "$hostile/policy.yaml" "$hostile/tenant.yaml" --current "$hostile/current"
render conformance-examples conformance 0 -- examples/clean examples/broken
render conformance-levels conformance 1 -- tests/fixtures/protection --level 2
render conformance-hostile conformance 0 "$name" -- "$hostile"

echo "screenshots: $shots"
echo "html reports: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
