#!/usr/bin/env bash
# Real Prometheus and Alertmanager on 127.0.0.1 for the live endpoint tests (tests/it/prometheus_live.rs).
#
#   source .ci/services.sh start   # exports GONOGO_PROMETHEUS_URL, GONOGO_ALERTMANAGER_URL, ...
#   .ci/services.sh stop           # stops what start started (reads GONOGO_SERVICES_DIR)
#
# start installs Debian's prometheus and prometheus-alertmanager when missing, writes configs into a
# temporary directory, preloads 8 days of deterministic history with `promtool tsdb
# create-blocks-from openmetrics`, serves a static /metrics file (python3 http.server) that Prometheus
# scrapes every second, loads alert rules that fire into the local Alertmanager, and waits until the
# first scrape and the alerts are visible. Executed rather than sourced, it prints the variables.
#
# The preloaded history (one sample a minute from HISTORY_END - 8d to HISTORY_END, HISTORY_END being
# the start time rounded down to the minute, minus one minute):
#   gonogo_demo_up{service="cart"}                       1 throughout
#   gonogo_demo_up{service="search"}                     1, except 0 for the 10 minutes from HISTORY_END - 2d
#   gonogo_demo_latency_seconds{service="cart"}          0.2 before HISTORY_END - 3.5d, 0.4 from then on
#   gonogo_demo_saturation_ratio{service="cart"}         0.25 throughout
#   gonogo_demo_requests_total{service="cart",code="200"} +99 a minute
#   gonogo_demo_requests_total{service="cart",code="500"} +1 a minute (an error ratio of exactly 0.01)
# The scraped target (job "demo"): gonogo_demo_queue_depth{queue="orders"} 7, {queue="emails"} 3,
# gonogo_demo_build_info{version="1.4.2"} 1.
# Alerts (labels): GonogoDemoQueueBacklog {severity=critical, namespace=shop-prod} (orders > 5),
# GonogoDemoWarning {severity=warning, namespace=shop-prod}, GonogoSilenceTarget {purpose=silence-test}.
#
# The examples' stand-in (.ci/standin.py over examples/standin: the shop-cart app's /health and
# /metrics, the platform exporters' metrics, recorded SonarQube/GitLab/Harbor/Argo CD answers) is
# scraped as job "shop-cart" (namespaces shop-cart-dev and shop-cart-prod), "platform" (honor_labels)
# and "falcosidekick"; up{job="shop-cart",namespace="shop-cart-prod"} has 8 days of history with one
# 5-minute outage 3 days before HISTORY_END (7-day availability 0.9995).
#
# Ports: GONOGO_PROM_PORT (19090), GONOGO_AM_PORT (19093), GONOGO_TARGET_PORT (19091),
# GONOGO_STANDIN_PORT (19092).
# GONOGO_SKIP_SERVICES=1 skips everything (the live tests, run with --include-ignored, then fail
# saying which variable is missing).

gonogo_services_start() {
  if [ "${GONOGO_SKIP_SERVICES:-}" = 1 ]; then
    echo "services: GONOGO_SKIP_SERVICES=1, not starting Prometheus/Alertmanager" >&2
    return 0
  fi
  if [ -n "${GONOGO_PROMETHEUS_URL:-}" ] && [ -n "${GONOGO_ALERTMANAGER_URL:-}" ] \
    && curl -sf --max-time 2 "$GONOGO_PROMETHEUS_URL/-/ready" >/dev/null \
    && curl -sf --max-time 2 "$GONOGO_ALERTMANAGER_URL/-/ready" >/dev/null; then
    echo "services: reusing $GONOGO_PROMETHEUS_URL and $GONOGO_ALERTMANAGER_URL (started elsewhere; not stopped here)" >&2
    unset GONOGO_SERVICES_DIR
    return 0
  fi
  unset GONOGO_SERVICES_DIR
  gonogo_services_up || { local rc=$?; gonogo_services_stop; return "$rc"; }
}

gonogo_services_up() {
  local prom_port="${GONOGO_PROM_PORT:-19090}" am_port="${GONOGO_AM_PORT:-19093}"
  local target_port="${GONOGO_TARGET_PORT:-19091}" standin_port="${GONOGO_STANDIN_PORT:-19092}"
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null \
    || ! command -v prometheus-alertmanager >/dev/null; then
    echo "services: installing prometheus and prometheus-alertmanager (Debian packages)" >&2
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
      if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
        echo "services: not root and no passwordless sudo; install prometheus prometheus-alertmanager, or set GONOGO_SKIP_SERVICES=1" >&2
        return 1
      fi
    fi
    $sudo apt-get update -qq >&2 || return 1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus prometheus-alertmanager >&2 || return 1
  fi
  local port
  for port in "$prom_port" "$am_port" "$target_port" "$standin_port"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "services: port $port is already in use; stop what uses it or set GONOGO_PROM_PORT/GONOGO_AM_PORT/GONOGO_TARGET_PORT" >&2
      return 1
    fi
  done

  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/gonogo-services.XXXXXX") || return 1
  export GONOGO_SERVICES_DIR="$dir"
  mkdir -p "$dir/target" "$dir/prom-data" "$dir/am-data"
  local now end
  now=$(date +%s)
  end=$(( now / 60 * 60 - 60 ))

  python3 - "$end" "$standin_port" > "$dir/history.om" <<'PY' || return 1
import sys
end = int(sys.argv[1])
standin = f"127.0.0.1:{sys.argv[2]}"
start = end - 8 * 86400
steps = range(start, end + 1, 60)
dip = end - 2 * 86400
switch = end - 3 * 86400 - 43200
out = sys.stdout.write
out("# HELP gonogo_demo_up Whether the service answered its probe.\n# TYPE gonogo_demo_up gauge\n")
for t in steps:
    out(f'gonogo_demo_up{{service="cart"}} 1 {t}\n')
for t in steps:
    v = 0 if dip <= t < dip + 600 else 1
    out(f'gonogo_demo_up{{service="search"}} {v} {t}\n')
out("# TYPE gonogo_demo_latency_seconds gauge\n")
for t in steps:
    out(f'gonogo_demo_latency_seconds{{service="cart"}} {0.2 if t < switch else 0.4} {t}\n')
out("# TYPE gonogo_demo_saturation_ratio gauge\n")
for t in steps:
    out(f'gonogo_demo_saturation_ratio{{service="cart"}} 0.25 {t}\n')
out("# TYPE gonogo_demo_requests counter\n")
for code, per_minute in (("200", 99), ("500", 1)):
    for i, t in enumerate(steps):
        out(f'gonogo_demo_requests_total{{code="{code}",service="cart"}} {i * per_minute} {t}\n')
out("# TYPE up gauge\n")
outage = end - 3 * 86400
for t in steps:
    v = 0 if outage <= t < outage + 300 else 1
    out(f'up{{instance="{standin}",job="shop-cart",namespace="shop-cart-prod"}} {v} {t}\n')
out("# EOF\n")
PY
  promtool tsdb create-blocks-from openmetrics "$dir/history.om" "$dir/prom-data" > "$dir/backfill.log" 2>&1 || {
    echo "services: promtool backfill failed:" >&2; cat "$dir/backfill.log" >&2; return 1
  }

  cat > "$dir/target/metrics" <<'EOF'
# HELP gonogo_demo_build_info Build information.
# TYPE gonogo_demo_build_info gauge
gonogo_demo_build_info{version="1.4.2"} 1
# HELP gonogo_demo_queue_depth Messages waiting.
# TYPE gonogo_demo_queue_depth gauge
gonogo_demo_queue_depth{queue="orders"} 7
gonogo_demo_queue_depth{queue="emails"} 3
EOF
  cat > "$dir/rules.yml" <<'EOF'
groups:
  - name: gonogo-demo
    interval: 1s
    rules:
      - alert: GonogoDemoQueueBacklog
        expr: gonogo_demo_queue_depth{queue="orders"} > 5
        labels: {severity: critical, namespace: shop-prod}
        annotations: {summary: The orders queue is backing up.}
      - alert: GonogoDemoWarning
        expr: vector(1)
        labels: {severity: warning, namespace: shop-prod}
      - alert: GonogoSilenceTarget
        expr: vector(1)
        labels: {severity: info, purpose: silence-test}
EOF
  cat > "$dir/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [$dir/rules.yml]
alerting:
  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:$am_port']}]}]
scrape_configs:
  - job_name: demo
    static_configs: [{targets: ['127.0.0.1:$target_port']}]
  - job_name: shop-cart
    static_configs:
      - {targets: ['127.0.0.1:$standin_port'], labels: {namespace: shop-cart-dev}}
      - {targets: ['127.0.0.1:$standin_port'], labels: {namespace: shop-cart-prod}}
  - job_name: platform
    honor_labels: true
    metrics_path: /platform-metrics
    static_configs: [{targets: ['127.0.0.1:$standin_port']}]
  - job_name: falcosidekick
    static_configs: [{targets: ['127.0.0.1:$standin_port']}]
EOF
  cat > "$dir/alertmanager.yml" <<'EOF'
route: {receiver: blackhole, group_wait: 1s, group_interval: 1s}
receivers: [{name: blackhole}]
EOF
  promtool check config "$dir/prometheus.yml" > "$dir/check.log" 2>&1 || { cat "$dir/check.log" >&2; return 1; }

  python3 -m http.server "$target_port" --bind 127.0.0.1 --directory "$dir/target" \
    > "$dir/target.log" 2>&1 &
  echo $! > "$dir/target.pid"
  python3 "$here/standin.py" "$here/../examples/standin" "$standin_port" > "$dir/standin.log" 2>&1 &
  echo $! > "$dir/standin.pid"
  prometheus-alertmanager --config.file="$dir/alertmanager.yml" --storage.path="$dir/am-data" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= > "$dir/am.log" 2>&1 &
  echo $! > "$dir/am.pid"
  local prom="http://127.0.0.1:$prom_port" am="http://127.0.0.1:$am_port"
  # Alertmanager first: Prometheus only resends an alert after --rules.alert.resend-delay.
  if gonogo_services_wait "$am/-/ready" ""; then
    prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prom-data" \
      --storage.tsdb.retention.time=30d --web.listen-address="127.0.0.1:$prom_port" \
      --rules.alert.resend-delay=1s > "$dir/prom.log" 2>&1 &
    echo $! > "$dir/prom.pid"
  fi
  if ! [ -f "$dir/prom.pid" ] \
    || ! gonogo_services_wait "$prom/-/ready" "" \
    || ! gonogo_services_wait "$prom/api/v1/query?query=up%7Bjob%3D%22demo%22%7D%3D%3D1" '"value"' \
    || ! gonogo_services_wait "$prom/api/v1/query?query=up%7Bjob%3D%22platform%22%7D%3D%3D1" '"value"' \
    || ! gonogo_services_wait "$prom/api/v1/query?query=up%7Bjob%3D%22shop-cart%22%7D%3D%3D1" '"value"' \
    || ! gonogo_services_wait "$am/api/v2/alerts?filter=alertname%3D%22GonogoDemoQueueBacklog%22" '"GonogoDemoQueueBacklog"' \
    || ! gonogo_services_wait "$am/api/v2/alerts?filter=alertname%3D%22GonogoSilenceTarget%22" '"GonogoSilenceTarget"'; then
    echo "services: not ready in time" >&2
    tail -n 20 "$dir/prom.log" "$dir/am.log" >&2
    return 1
  fi
  export GONOGO_PROMETHEUS_URL="$prom" GONOGO_ALERTMANAGER_URL="$am" GONOGO_HISTORY_END="$end"
  export GONOGO_STANDIN_URL="http://127.0.0.1:$standin_port" SHOP_CART_URL="http://127.0.0.1:$standin_port"
  echo "GONOGO_PROMETHEUS_URL=$GONOGO_PROMETHEUS_URL"
  echo "GONOGO_ALERTMANAGER_URL=$GONOGO_ALERTMANAGER_URL"
  echo "GONOGO_HISTORY_END=$GONOGO_HISTORY_END"
  echo "GONOGO_STANDIN_URL=$GONOGO_STANDIN_URL"
  echo "GONOGO_SERVICES_DIR=$GONOGO_SERVICES_DIR"
}

# Polls URL until it answers 2xx (and its body contains TEXT, when given), for up to 60 s.
gonogo_services_wait() {
  local url="$1" text="$2" body
  for _ in $(seq 1 600); do
    if body=$(curl -sf --max-time 2 "$url" 2>/dev/null); then
      if [ -z "$text" ] || [[ "$body" == *"$text"* ]]; then return 0; fi
    fi
    sleep 0.1
  done
  echo "services: $url did not answer${text:+ with $text} within 60 s" >&2
  return 1
}

gonogo_services_stop() {
  local dir="${GONOGO_SERVICES_DIR:-}" f pid
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then return 0; fi
  for f in "$dir"/prom.pid "$dir"/am.pid "$dir"/target.pid "$dir"/standin.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  case "$dir" in
    "${TMPDIR:-/tmp}"/gonogo-services.*) rm -rf "$dir" ;;
  esac
  unset GONOGO_PROMETHEUS_URL GONOGO_ALERTMANAGER_URL GONOGO_HISTORY_END GONOGO_SERVICES_DIR \
    GONOGO_STANDIN_URL SHOP_CART_URL
}

gonogo_services() {
  case "${1:-}" in
    start) gonogo_services_start ;;
    stop) gonogo_services_stop ;;
    *) echo "usage: source .ci/services.sh start | .ci/services.sh stop" >&2; return 4 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  gonogo_services "$@"
  exit $?
else
  gonogo_services "$@"
fi
