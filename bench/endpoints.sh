#!/usr/bin/env bash
# Concurrency benchmark: 100 `metric` rules against a local Prometheus-like endpoint that answers
# each query in 100 ms. Sequentially that is 100 × 100 ms = 10 s; gonogo fetches endpoint queries
# concurrently (FetchOptions::concurrency), so the wall time should stay under 1 s.
#
#   bench/endpoints.sh [RULES] [DELAY_MS]      # defaults: 100 rules, 100 ms
#
# Uses target/release/gonogo when it exists, else target/debug/gonogo (build one first); the work
# is network-bound, so a debug build measures the same thing. Needs python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
RULES="${1:-100}"
DELAY_MS="${2:-100}"
BIN="${GONOGO_BIN:-}"
if [ -z "$BIN" ]; then
  if [ -x target/release/gonogo ]; then BIN=target/release/gonogo; else BIN=target/debug/gonogo; fi
fi
[ -x "$BIN" ] || { echo "no gonogo binary at $BIN: run cargo build first" >&2; exit 4; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

work=$(mktemp -d "${TMPDIR:-/tmp}/gonogo-bench.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/server.py" <<'PY'
import http.server, json, sys, threading, time
delay = int(sys.argv[2]) / 1000.0
body = json.dumps({"status": "success", "data": {"resultType": "vector",
    "result": [{"metric": {"job": "bench"}, "value": [0, "1"]}]}}).encode()
lock = threading.Lock()
state = {"active": 0, "peak": 0, "served": 0}

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path.startswith("/stats"):
            out = json.dumps(state).encode()
        else:
            with lock:
                state["active"] += 1
                state["peak"] = max(state["peak"], state["active"])
            time.sleep(delay)
            with lock:
                state["active"] -= 1
                state["served"] += 1
            out = body
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *args):
        pass

class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True

srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
PY
python3 "$work/server.py" 0 "$DELAY_MS" > "$work/port" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")

{
  echo "pack: bench"
  echo "title: Bench"
  echo "stages: [{number: 1, id: prod, title: Production}]"
  echo "rules:"
  for i in $(seq 1 "$RULES"); do
    echo "  - {id: B-$i, title: b, why: b, reference: b, level: fail, check: {kind: metric, source: prom, query: 'up{rule=\"$i\"}'}, expect: {value: '== 1'}}"
  done
} > "$work/pack.yaml"
cat > "$work/gonogo.yaml" <<YAML
project: bench
pack: bench
rules: [pack.yaml]
stage: prod
sources:
  prom: {kind: prometheus, url: "http://127.0.0.1:$port"}
YAML

start=$(date +%s%N)
set +e
NO_PROXY=127.0.0.1 "$BIN" check --config "$work/gonogo.yaml" --format json > "$work/verdict.json"
code=$?
set -e
end=$(date +%s%N)
wall_ms=$(( (end - start) / 1000000 ))
stats=$(curl -s "http://127.0.0.1:$port/stats")
passed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['pass'])" "$work/verdict.json")
seq_ms=$(( RULES * DELAY_MS ))
echo "rules: $RULES, endpoint delay: ${DELAY_MS} ms, binary: $BIN"
echo "sequential (rules × delay): ${seq_ms} ms"
echo "gonogo check wall time:     ${wall_ms} ms (exit $code, $passed rules passed)"
echo "server: $stats"
python3 -c "print(f'speed-up: {$seq_ms / max($wall_ms, 1):.1f}x')"
[ "$code" = 0 ] && [ "$passed" = "$RULES" ]
