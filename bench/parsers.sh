#!/usr/bin/env bash
# End-to-end parser benchmark: gonogo `inspect` against the usual peers on the same large files.
#
#   bench/parsers.sh            # 200 MiB JUnit/Cobertura/LCOV, 100 MiB Trivy, 200 MiB of each
#                               # other test format, then 1 GiB RSS checks
#   FORMATS="tap gotest" SKIP_CLASSIC=1 bench/parsers.sh   # only some of the other test formats
#   SIZE=20 BIG=0 bench/parsers.sh   # a quick run: 20 MiB files, no 1 GiB check
#
# Builds the release binary once, generates deterministic reports with bench/gen.py (streaming),
# and prints throughput (MB/s, 1 MB = 10^6 bytes) and peak RSS (/usr/bin/time) per tool; the
# fastest of RUNS runs counts for the quick tools, one run for the slow peers. Peers: python
# junitparser (installed with pip into a venv under the work dir), Debian `lcov --summary`, `jq`
# counting Trivy findings, and `wc -l` (the floor: reading the bytes and counting newlines).
# Needs /usr/bin/time (Debian `time`), jq and lcov; a missing peer is reported and skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZE=${SIZE:-200}
TRIVY_SIZE=${TRIVY_SIZE:-$((SIZE / 2))}
BIG=${BIG:-1}
RUNS=${RUNS:-3}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/gonogo-bench.XXXXXX)}
mkdir -p "$WORK"
trap 'rm -f "$WORK"/*.xml "$WORK"/*.info "$WORK"/*.json "$WORK"/*.data "$WORK"/time.txt' EXIT

echo "== build (release)"
cargo build --release --quiet --bin gonogo
BIN="$ROOT/target/release/gonogo"

if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet junitparser==5.0.3 || echo "junitparser could not be installed; skipped"
fi
cat > "$WORK/junitparser_count.py" <<'PY'
import sys
from junitparser import JUnitXml
xml = JUnitXml.fromfile(sys.argv[1])
total = failed = 0
for suite in xml:
    for case in suite:
        total += 1
        if not case.is_passed and not case.is_skipped:
            failed += 1
print(total, failed)
PY

gen() { # kind size file
  echo "   generating $3 ($2 MiB)"
  python3 bench/gen.py "$1" "$2" "$WORK/$3"
}

# measure LABEL FILE RUNS CMD...: prints one row; keeps the fastest run and its peak RSS.
measure() {
  local label=$1 file=$2 runs=$3
  shift 3
  if ! command -v "$1" > /dev/null 2>&1 && [ ! -x "$1" ]; then
    printf "  %-26s %s\n" "$label" "skipped ($1 not installed)"
    return
  fi
  local best="" rss="" out=""
  for _ in $(seq "$runs"); do
    if ! /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt"; then
      printf "  %-26s failed: %s\n" "$label" "$(head -c 200 "$WORK/err.txt")"
      return
    fi
    read -r secs kb < "$WORK/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kb; fi
  done
  out=$(tr '\n' ' ' < "$WORK/out.txt" | head -c 60)
  local bytes
  bytes=$(stat -c %s "$file")
  awk -v l="$label" -v b="$bytes" -v s="$best" -v k="$rss" -v o="$out" 'BEGIN{
    t = (s > 0) ? b / 1e6 / s : 0;
    printf "  %-26s %8.1f MB/s %8.2f s %8.1f MiB peak RSS   %s\n", l, t, s, k / 1024, o }'
  echo "$label $best $rss" >> "$WORK/results.txt"
}

ratio() { # "what" numerator-label denominator-label: prints time(numerator)/time(denominator)
  awk -v a="$2" -v b="$3" -v w="$1" '$1==a{ta=$2} $1==b{tb=$2}
    END{ if (ta && tb) printf "  %-40s %.1fx\n", w, ta / tb; else printf "  %-40s n/a\n", w }' "$WORK/results.txt"
}

: > "$WORK/results.txt"
if [ -z "${SKIP_CLASSIC:-}" ]; then
echo "== JUnit"
gen junit "$SIZE" junit.xml
measure gonogo-junit "$WORK/junit.xml" "$RUNS" "$BIN" inspect "$WORK/junit.xml" --kind junit --format json
measure junitparser "$WORK/junit.xml" 1 "$WORK/venv/bin/python" "$WORK/junitparser_count.py" "$WORK/junit.xml"
measure wc-junit "$WORK/junit.xml" "$RUNS" wc -l "$WORK/junit.xml"
rm -f "$WORK/junit.xml"

echo "== Cobertura"
gen cobertura "$SIZE" cobertura.xml
measure gonogo-cobertura "$WORK/cobertura.xml" "$RUNS" "$BIN" inspect "$WORK/cobertura.xml" --kind cobertura --format json
measure wc-cobertura "$WORK/cobertura.xml" "$RUNS" wc -l "$WORK/cobertura.xml"
rm -f "$WORK/cobertura.xml"

echo "== LCOV"
gen lcov "$SIZE" lcov.info
measure gonogo-lcov "$WORK/lcov.info" "$RUNS" "$BIN" inspect "$WORK/lcov.info" --kind lcov --format json
measure lcov-summary "$WORK/lcov.info" 1 lcov --summary "$WORK/lcov.info"
measure wc-lcov "$WORK/lcov.info" "$RUNS" wc -l "$WORK/lcov.info"
rm -f "$WORK/lcov.info"

echo "== Trivy"
gen trivy "$TRIVY_SIZE" trivy.json
measure gonogo-trivy "$WORK/trivy.json" "$RUNS" "$BIN" inspect "$WORK/trivy.json" --kind trivy --format json
measure jq-trivy "$WORK/trivy.json" 1 jq "[.Results[]?.Vulnerabilities[]?] | length" "$WORK/trivy.json"
measure wc-trivy "$WORK/trivy.json" "$RUNS" wc -l "$WORK/trivy.json"
rm -f "$WORK/trivy.json"
fi

# The other test-report formats: gonogo against the floor (`wc -l`) and, where one exists, a
# common peer: jq over the JSON formats (counting outcomes), tap.py (PyPI) over TAP. No common
# peer counts NUnit, TRX or xUnit.net XML (junitparser does not read them), so those get none.
if [ ! -x "$WORK/venv/bin/tappy" ]; then
  "$WORK/venv/bin/pip" install --quiet tap.py==3.2.1 || echo "tap.py could not be installed; skipped"
fi
cat > "$WORK/tap_count.py" <<'PY'
import sys
from tap.parser import Parser
total = failed = 0
for line in Parser().parse_file(sys.argv[1]):
    if line.category == "test":
        total += 1
        failed += not line.ok
print(total, failed)
PY
declare -A KIND=([nunit]=nunit [trx]=trx [xunit]=xunit [gotest]=go-test-json [mocha]=mocha-json [mochawesome]=mochawesome [rspec]=rspec-json [dart]=dart-json [tap]=tap)
declare -A JQ=(
  [gotest]='select(.Test != null and (.Action == "pass" or .Action == "fail" or .Action == "skip")) | .Action'
  [dart]='select(.type == "testDone") | .result'
  [mocha]='(.passes + .failures + .pending)[] | .fullTitle'
  [mochawesome]='.. | objects | select(has("fullTitle") and has("state")) | .state'
  [rspec]='.examples[] | .status'
)
for k in ${FORMATS:-nunit trx xunit gotest mocha mochawesome rspec dart tap}; do
  echo "== $k"
  gen "$k" "$SIZE" "$k.data"
  measure "gonogo-$k" "$WORK/$k.data" "$RUNS" "$BIN" inspect "$WORK/$k.data" --kind "${KIND[$k]}" --format json
  if [ -n "${JQ[$k]:-}" ]; then
    measure "jq-$k" "$WORK/$k.data" 1 sh -c "jq -r '${JQ[$k]}' '$WORK/$k.data' | wc -l"
  fi
  if [ "$k" = tap ]; then
    measure tappy "$WORK/$k.data" 1 "$WORK/venv/bin/python" "$WORK/tap_count.py" "$WORK/$k.data"
  fi
  measure "wc-$k" "$WORK/$k.data" "$RUNS" wc -l "$WORK/$k.data"
  rm -f "$WORK/$k.data"
done

# The other test-report formats: gonogo against the floor (`wc -l`) and, where one exists, a
# common peer: jq over the JSON formats (counting outcomes), tap.py (PyPI) over TAP. No common
# peer reads NUnit, TRX or xUnit.net XML as a counter (junitparser does not), so those get none.
if [ ! -x "$WORK/venv/bin/tappy" ]; then
  "$WORK/venv/bin/pip" install --quiet tap.py==3.2.1 || echo "tap.py could not be installed; skipped"
fi
cat > "$WORK/tap_count.py" <<'PY'
import sys
from tap.parser import Parser
total = failed = 0
for line in Parser().parse_file(sys.argv[1]):
    if line.category == "test":
        total += 1
        failed += not line.ok
print(total, failed)
PY
declare -A KIND=([nunit]=nunit [trx]=trx [xunit]=xunit [gotest]=go-test-json [mocha]=mocha-json [mochawesome]=mochawesome [rspec]=rspec-json [dart]=dart-json [tap]=tap)
declare -A JQ=(
  [gotest]='select(.Test != null and (.Action == "pass" or .Action == "fail" or .Action == "skip")) | .Action'
  [dart]='select(.type == "testDone") | .result'
  [mocha]='.passes + .failures + .pending | length'
  [mochawesome]='[.. | objects | select(has("fullTitle") and has("state"))] | length'
  [rspec]='.examples | length'
)
for k in nunit trx xunit gotest mocha mochawesome rspec dart tap; do
  echo "== $k"
  gen "$k" "$SIZE" "$k.data"
  measure "gonogo-$k" "$WORK/$k.data" "$RUNS" "$BIN" inspect "$WORK/$k.data" --kind "${KIND[$k]}" --format json
  if [ -n "${JQ[$k]:-}" ]; then
    measure "jq-$k" "$WORK/$k.data" 1 sh -c "jq -r '${JQ[$k]}' '$WORK/$k.data' | wc -l"
  fi
  if [ "$k" = tap ]; then
    measure tappy "$WORK/$k.data" 1 "$WORK/venv/bin/python" "$WORK/tap_count.py" "$WORK/$k.data"
  fi
  measure "wc-$k" "$WORK/$k.data" "$RUNS" wc -l "$WORK/$k.data"
  rm -f "$WORK/$k.data"
done

echo "== ratios (time / time)"
ratio "junitparser / gonogo (must be >= 10)" junitparser gonogo-junit
ratio "gonogo / wc -l, JUnit (target <= 3)" gonogo-junit wc-junit
ratio "gonogo / wc -l, Cobertura" gonogo-cobertura wc-cobertura
ratio "gonogo / wc -l, LCOV" gonogo-lcov wc-lcov
ratio "lcov --summary / gonogo" lcov-summary gonogo-lcov
ratio "gonogo / wc -l, Trivy" gonogo-trivy wc-trivy
ratio "jq / gonogo" jq-trivy gonogo-trivy
for k in gotest mocha mochawesome rspec dart; do ratio "jq / gonogo, $k" "jq-$k" "gonogo-$k"; done
ratio "tap.py / gonogo" tappy gonogo-tap

if [ "$BIG" = 1 ]; then
  echo "== 1 GiB files: peak RSS must stay under 64 MiB"
  for kind in junit cobertura; do
    gen "$kind" 1024 "big-$kind.xml"
    measure "gonogo-$kind-1GiB" "$WORK/big-$kind.xml" 1 "$BIN" inspect "$WORK/big-$kind.xml" --kind "$kind" --format json
    rm -f "$WORK/big-$kind.xml"
    awk -v l="gonogo-$kind-1GiB" '$1==l{ printf "  %-26s %s\n", l, ($3 / 1024 < 64) ? "PASS (< 64 MiB)" : "FAIL (>= 64 MiB)" }' "$WORK/results.txt"
  done
fi
echo "(work dir: $WORK)"
