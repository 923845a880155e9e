#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each, one job, seeded from the repository's
# fixtures and, when GONOGO_CORPUS points at it, the shared corpus of real reports.
#   fuzz/run.sh [SECONDS] [TARGET...]
# Prints, per target, the executions per second and whether a crash was found; a crashing input
# lands in fuzz/artifacts/<target>/ (keep it as a regression test under tests/).
set -uo pipefail
cd "$(dirname "$0")"
SECS=${1:-60}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  mapfile -t TARGETS < <(cargo +nightly fuzz list)
fi
FIX=../tests/fixtures
CORPUS=${GONOGO_CORPUS:-}
seed() { # target, then files or dirs
  local t=$1
  shift
  mkdir -p "corpus/$t"
  for src in "$@"; do
    [ -e "$src" ] || continue
    find "$src" -type f -size -2M -exec cp -n {} "corpus/$t/" \; 2> /dev/null
  done
}
for t in "${TARGETS[@]}"; do
  case $t in
    junit) seed "$t" "$FIX/junit" "$CORPUS/junit" ;;
    gitlab_test_report) seed "$t" "$CORPUS/gitlab" ;;
    nunit | trx | xunit | mocha | rspec | dart | tap) seed "$t" "$FIX/tests/$t" ;;
    mochawesome) seed "$t" "$FIX/tests/mocha" ;;
    go_test) seed "$t" "$FIX/tests/go" ;;
    test_report_merge) seed "$t" "$FIX/tests/go" "$FIX/tests/tap" ;;
    cobertura | jacoco | clover | opencover | lcov | gocover) seed "$t" "$FIX/coverage" "$CORPUS/$t" ;;
    manifests | yaml) seed "$t" "$FIX/k8s" ../rules ;;
    dockerfile) seed "$t" "$FIX/dockerfile" ;;
    *) seed "$t" "$FIX/findings" "$CORPUS/${t//_/-}" "$CORPUS/$t" "$CORPUS/gitlab" ;;
  esac
done
printf "%-20s %12s %10s %s\n" target "execs/s" runs result
for t in "${TARGETS[@]}"; do
  log="artifacts/$t.log"
  mkdir -p artifacts
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=20 > "$log" 2>&1
  rc=$?
  stats=$(grep -E "^#[0-9]+.*(DONE|exec/s)" "$log" | tail -1)
  runs=$(sed -E 's/^#([0-9]+).*/\1/' <<< "$stats")
  eps=$(grep -oE "exec/s: [0-9]+" <<< "$stats" | grep -oE "[0-9]+")
  if [ $rc -eq 0 ]; then result=ok; else result="CRASH (see $log, artifacts/$t/)"; fi
  printf "%-20s %12s %10s %s\n" "$t" "${eps:-?}" "${runs:-?}" "$result"
done
