#!/usr/bin/env bash
# MinIO (community edition, built from source) on 127.0.0.1.
#   minio.sh install        build the pinned release with `go install` into the cache outside the checkout (skipped when cached)
#   minio.sh up [PORT]      install if missing, start on 127.0.0.1:PORT (free port if omitted), wait for /minio/health/live
#   minio.sh env            print `export` lines for eval: AWS_* (the SDK's names), S3_* and the test KMS key id (common.sh)
#   minio.sh down           stop only the pid that `up` started, remove its state dir (and so its data dir)
#   minio.sh start|stop     the same as up|down
#   minio.sh up-tls [PORT]  a second MinIO over https (same binary and KMS key, its own state dir and data), with a
#                           self-signed certificate for IP 127.0.0.1 made here, for SSE-C (MinIO refuses it over http)
#   minio.sh env-tls        `export` lines for it, as `env`, plus AWS_CA_BUNDLE: the certificate to trust (and only it)
#   minio.sh down-tls       stop only the pid that `up-tls` started, remove its state dir (certificate and key too)
#                           (the *-tls commands use BUCKETKIT_MINIO_TLS_DIR as their state dir when it is set)
# See docs/servers.md for the pin, the build time and the offline settings.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/offline-env.sh"
source "$ROOT/scripts/servers/common.sh"

# The last community release the Go module proxy serves here. The proxy refuses the tag name itself
# ("403 This module version is not available"), so the build names the release by the pseudo-version
# of its tagged commit (RELEASE.2025-09-07T16-13-09Z = commit 07c3a429bfed433e49018cb0f78a52145d4bedeb).
# RELEASE.2025-10-15T17-29-55Z, the newest tag, is not served at all (see docs/servers.md).
MINIO_RELEASE="RELEASE.2025-09-07T16-13-09Z"
MINIO_MODULE_VERSION="v0.0.0-20250907161309-07c3a429bfed"
CACHE="${BUCKETKIT_CACHE:-$HOME/.cache/bucketkit}"
BIN_DIR="$CACHE/minio-$MINIO_RELEASE"
MINIO_BIN="$BIN_DIR/minio"
STATE="${BUCKETKIT_STATE_DIR:-$ROOT/.servers}/minio"
ROOT_USER="bucketkit-minio"
ROOT_PASSWORD="bucketkit-minio-secret"
# MinIO's built-in single-key KMS (MINIO_KMS_SECRET_KEY, no KES server): enables SSE-S3 and SSE-KMS with
# this one key id. For tests only: the key sits in this file in clear. Same id and bytes as ceph-rgw.sh.
KMS_KEY_ID="bucketkit-test-key-1"
KMS_KEY_B64="YnVja2V0a2l0LXRlc3Qta2V5LTEtMzItYnl0ZXMtISE="  # "bucketkit-test-key-1-32-bytes-!!"

install() {
  [ -x "$MINIO_BIN" ] && return 0
  if ! command -v go >/dev/null 2>&1; then
    echo "bucketkit: Go (1.24 or newer) is required to build MinIO $MINIO_RELEASE; install it from https://go.dev/dl/." >&2
    exit 3
  fi
  mkdir -p "$BIN_DIR"
  echo "bucketkit: building MinIO $MINIO_RELEASE ($MINIO_MODULE_VERSION) into $BIN_DIR; this takes minutes on 2 cores" >&2
  # GOTOOLCHAIN=local: build with the installed Go, never download a toolchain.
  (cd "$BIN_DIR" && GOTOOLCHAIN=local GOBIN="$BIN_DIR" GOFLAGS=-mod=mod \
    go install "github.com/minio/minio@$MINIO_MODULE_VERSION") >&2
  [ -x "$MINIO_BIN" ] || { echo "bucketkit: go install finished but $MINIO_BIN is missing" >&2; exit 1; }
}

# A stopped server can stay a zombie until its reaper (init) collects it; that counts as stopped.
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat" 2>/dev/null; }

# A pid is ours while it is alive and still a minio (a pid of a long-dead server may be reused).
ours() { alive "$1" && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = minio ]; }

port_free() { python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }

# Everything that keeps MinIO on loopback and quiet: no update check against dl.min.io at start-up,
# no callhome / SUBNET diagnostics upload, no console redirect to a public URL, certs kept in the state
# dir (`--config-dir`, `--certs-dir`; MinIO would otherwise create ~/.minio).
minio_env() {
  export MINIO_ROOT_USER="$ROOT_USER"
  export MINIO_ROOT_PASSWORD="$ROOT_PASSWORD"
  export MINIO_UPDATE=off
  export MINIO_CALLHOME_ENABLE=off
  export MINIO_BROWSER_REDIRECT=off
  export MINIO_SITE_REGION=us-east-1
  export MINIO_KMS_SECRET_KEY="$KMS_KEY_ID:$KMS_KEY_B64"
  unset MINIO_SUBNET_API_KEY MINIO_SUBNET_LICENSE MINIO_SUBNET_PROXY MINIO_SERVER_URL MINIO_BROWSER_REDIRECT_URL \
    MINIO_REGION MINIO_REGION_NAME MINIO_KMS_KES_ENDPOINT MINIO_KMS_SERVER MINIO_KMS_SECRET_KEY_FILE MINIO_IDENTITY_OPENID_CONFIG_URL
}

# Starts MinIO with its state in $1 ("" plain http; "tls" https with a self-signed certificate made in $1/certs),
# on port $3 (a free one if empty), and waits until it answers. Both servers share everything else.
start_in() {
  local state="$1" tls="$2" port="${3:-$(free_port)}" name="minio${2:+ (tls)}"
  install
  if [ -f "$state/pid" ] && ours "$(cat "$state/pid")"; then
    return 0
  fi
  port_free "$port" || { echo "minio: 127.0.0.1:$port is already in use" >&2; exit 1; }
  local console_port; console_port="$(free_port)"
  while [ "$console_port" = "$port" ]; do console_port="$(free_port)"; done
  rm -rf "$state"
  mkdir -p "$state/data" "$state/config" "$state/certs"
  local scheme=http curl_ca=()
  if [ -n "$tls" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1" -keyout "$state/certs/private.key" -out "$state/certs/public.crt" \
      >/dev/null 2>&1 || { echo "minio: openssl could not make the test certificate" >&2; rm -rf "$state"; exit 1; }
    chmod 600 "$state/certs/private.key"
    scheme=https curl_ca=(--cacert "$state/certs/public.crt")
  fi
  (
    minio_env
    exec "$MINIO_BIN" server --quiet --config-dir "$state/config" --certs-dir "$state/certs" \
      --address "127.0.0.1:$port" --console-address "127.0.0.1:$console_port" "$state/data"
  ) >"$state/server.log" 2>&1 &
  echo $! >"$state/pid"
  echo "$port" >"$state/port"
  echo "$console_port" >"$state/console_port"
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null "${curl_ca[@]}" "$scheme://127.0.0.1:$port/minio/health/live"; then return 0; fi
    if ! alive "$(cat "$state/pid")"; then
      echo "$name exited; its log:" >&2; cat "$state/server.log" >&2; stop_in "$state"; exit 1
    fi
    sleep 0.1
  done
  echo "$name did not answer on $scheme://127.0.0.1:$port within 30 s; its log:" >&2
  cat "$state/server.log" >&2
  stop_in "$state"
  exit 1
}

# Stops the server whose state is in $1, only if that pid is ours, and removes the state.
stop_in() {
  local state="$1"
  if [ -f "$state/pid" ]; then
    local pid; pid="$(cat "$state/pid")"
    if ours "$pid"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
      alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$state"
}

up() { start_in "$STATE" "" "${1:-}"; }

env_() {
  [ -f "$STATE/port" ] || { echo "minio is not up (run: $0 up)" >&2; exit 1; }
  print_env minio "http://127.0.0.1:$(cat "$STATE/port")" "$ROOT_USER" "$ROOT_PASSWORD" "$KMS_KEY_ID"
}

down() { stop_in "$STATE"; }

# The TLS server: the same settings, its certificate in its own --certs-dir (MinIO reads public.crt / private.key).
# The certificate is self-signed, valid one day, for IP 127.0.0.1 only; its key never leaves the state dir.
# BUCKETKIT_MINIO_TLS_DIR picks another state dir, so that test files running at once each start and stop their own.
STATE_TLS="${BUCKETKIT_MINIO_TLS_DIR:-${STATE}-tls}"
up_tls() { start_in "$STATE_TLS" tls "${1:-}"; }

env_tls() {
  [ -f "$STATE_TLS/port" ] || { echo "minio (tls) is not up (run: $0 up-tls)" >&2; exit 1; }
  print_env minio "https://127.0.0.1:$(cat "$STATE_TLS/port")" "$ROOT_USER" "$ROOT_PASSWORD" "$KMS_KEY_ID"
  _export AWS_CA_BUNDLE "$STATE_TLS/certs/public.crt"
}

down_tls() { stop_in "$STATE_TLS"; }

version() { install; echo "MinIO $MINIO_RELEASE (go module $MINIO_MODULE_VERSION, built with $(go version | cut -d" " -f3))"; }

case "${1:-}" in
  up-tls) shift; up_tls "$@" ;;
  env-tls) env_tls ;;
  down-tls) down_tls ;;
  *) dispatch "$@" ;;
esac
