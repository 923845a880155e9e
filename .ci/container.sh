#!/usr/bin/env bash
# Builds gonogo's container image for real and runs it: a static musl binary, the Dockerfile's
# `prebuilt` target (no base image to pull), buildah (no daemon), podman with runc (crun cannot
# set rlimits on this kind of VM), a read-only project mount, no network. Asserts exit codes,
# the non-root user, and that TLS roots load from the image's CA bundle.
#
# GONOGO_IMAGE_PROFILE=release skips the dist profile's fat LTO (faster, bigger binary).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PROFILE="${GONOGO_IMAGE_PROFILE:-dist}"
TARGET=x86_64-unknown-linux-musl
IMAGE=localhost/gonogo:ci
BIN="target/$TARGET/$PROFILE/gonogo"
T0=$(date +%s)
step() { echo "-- $1 ($(( $(date +%s) - T0 ))s)"; }

if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  if ! rustup target add "$TARGET"; then
    echo "SKIPPED: container image: the $TARGET target could not be installed (rustup unreachable?)."
    echo "SKIPPED: the Dockerfile's default target builds from source where registries are reachable."
    exit 0
  fi
fi
if ! command -v musl-gcc >/dev/null || ! command -v buildah >/dev/null \
   || ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! [ -x /bin/busybox ]; then
  step "installing musl-tools buildah podman runc busybox-static"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq musl-tools buildah podman runc busybox-static >/dev/null
fi

step "cargo build --profile $PROFILE --target $TARGET"
B0=$(date +%s)
cargo build --locked --profile "$PROFILE" --target "$TARGET"
echo "binary build: $(( $(date +%s) - B0 ))s, $(stat -c %s "$BIN") bytes"
file "$BIN" 2>/dev/null || true

mkdir -p target/container
cp /etc/ssl/certs/ca-certificates.crt target/container/ca-certificates.crt
cp /bin/busybox target/container/busybox

step "buildah bud --target prebuilt"
buildah bud --isolation chroot --quiet --target prebuilt \
  --build-arg TARGETARCH=amd64 --build-arg "BINARY=$BIN" --build-arg BUSYBOX=target/container/busybox -t "$IMAGE" -f Dockerfile . >/dev/null
SIZE=$(podman image inspect "$IMAGE" --format '{{.Size}}')
USER_ID=$(podman image inspect "$IMAGE" --format '{{.Config.User}}')
echo "image $IMAGE: $SIZE bytes, user $USER_ID"
[ "$USER_ID" = "65532:65532" ] || { echo "FAIL: image runs as '$USER_ID', not 65532:65532"; exit 1; }

RUN=(podman --runtime runc run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
expect() {
  local want=$1 what=$2; shift 2
  set +e
  "$@" >"$WORK/out.txt" 2>&1
  local got=$?
  set -e
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; cat "$WORK/out.txt"; exit 1
  fi
  echo "ok: $what (exit $got)"
}

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -m 0777 "$WORK/out"

step "running the image"
expect 0 "--version" "${RUN[@]}" --network=none "$IMAGE" --version
expect 1 "NO-GO example, read-only mount, no network" \
  "${RUN[@]}" --network=none -v "$ROOT/examples/stage3-nogo:/work:ro" "$IMAGE" check
expect 0 "GO example (stage 1, offline) writes reports as the non-root user" \
  "${RUN[@]}" --network=none -v "$ROOT/examples/stage1-opportunity:/work:ro" -v "$WORK/out:/out" \
  "$IMAGE" check --output /out/verdict.json --report junit=/out/junit.xml --report dotenv=/out/gonogo.env
grep -qx "GONOGO_DECISION=go" "$WORK/out/gonogo.env" || { echo "FAIL: dotenv"; cat "$WORK/out/gonogo.env"; exit 1; }
grep -q '<testsuites name="gonogo"' "$WORK/out/junit.xml" || { echo "FAIL: junit"; exit 1; }
# As GitLab runs it: entrypoint reset, the job script in /bin/sh, as the image's user.
# shellcheck disable=SC2016  # expanded by the container's shell, not this one
expect 0 "a GitLab-style shell script (entrypoint reset)" \
  "${RUN[@]}" --network=none --entrypoint "" -v "$ROOT/examples/stage1-opportunity:/work:ro" "$IMAGE" \
  sh -c 'test "$(id -u)" = 65532 && gonogo check --format dotenv | grep -qx GONOGO_DECISION=go'

step "TLS roots from the image's CA bundle"
# A throwaway CA and a server certificate for 127.0.0.1, an HTTPS server on loopback serving a
# report, and a project reading that report by URL.
(
  cd "$WORK"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj /CN=gonogo-test-ca -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > srv.ext
  openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 \
    -extfile srv.ext 2>/dev/null
  mkdir -p www project
  cp "$ROOT/examples/stage3-go/reports/junit.xml" www/junit.xml
  cp "$ROOT/examples/stage3-go/reports/coverage.xml" project/coverage.xml
  chmod -R a+rX "$WORK"
)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$WORK" "$PORT" <<'PY' &
import http.server, os, ssl, sys
work, port = sys.argv[1], int(sys.argv[2])
os.chdir(os.path.join(work, "www"))
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", port), Quiet)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(work, "srv.pem"), os.path.join(work, "srv.key"))
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.timeout = 1
import time
deadline = time.time() + 300
while time.time() < deadline:
    srv.handle_request()
PY
SERVER_PID=$!
for _ in $(seq 50); do
  if curl -sf --cacert "$WORK/ca.pem" "https://127.0.0.1:$PORT/junit.xml" >/dev/null; then break; fi
  sleep 0.1
done
cat > "$WORK/project/probe-pack.yaml" <<'PACK'
pack: probe
stages: [{number: 1, id: probe, title: TLS probe}]
rules:
  - {id: P-TESTS, title: tests, why: w, reference: r, level: fail, check: {kind: tests, source: tests}}
  - {id: P-COV, title: coverage, why: w, reference: r, level: fail, check: {kind: coverage, source: coverage}}
PACK
cat > "$WORK/project/gonogo.yaml" <<EOF
project: tls-probe
pack: probe
rules: [probe-pack.yaml]
stage: probe
sources:
  tests: {kind: junit, url: "https://127.0.0.1:$PORT/junit.xml", timeout: 5s}
  coverage: {kind: cobertura, path: coverage.xml}
EOF
HOSTNET=("${RUN[@]}" --network=host -v "$WORK/project:/work:ro")
expect 3 "the baked bundle does not trust the test CA: inconclusive, never a pass" \
  "${HOSTNET[@]}" "$IMAGE" check
expect 0 "the test CA mounted over the image's bundle path is trusted" \
  "${HOSTNET[@]}" -v "$WORK/ca.pem:/etc/ssl/certs/ca-certificates.crt:ro" "$IMAGE" check
expect 0 "GONOGO_CA_BUNDLE adds a private CA to the baked roots" \
  "${HOSTNET[@]}" -v "$WORK/ca.pem:/certs/ca.pem:ro" -e GONOGO_CA_BUNDLE=/certs/ca.pem "$IMAGE" check
BUNDLE_CERTS=$(grep -c 'BEGIN CERTIFICATE' target/container/ca-certificates.crt)
echo "image CA bundle: $BUNDLE_CERTS certificates"
[ "$BUNDLE_CERTS" -gt 50 ] || { echo "FAIL: the CA bundle looks empty"; exit 1; }

echo "container: image $SIZE bytes, all checks passed in $(( $(date +%s) - T0 ))s"
