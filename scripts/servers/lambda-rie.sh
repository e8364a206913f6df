#!/usr/bin/env bash
# AWS Lambda Runtime Interface Emulator (RIE) on 127.0.0.1, running one bundled handler from dist/lambda/<NAME>/
# under a minimal Node custom runtime (scripts/servers/lambda-bootstrap.js, no native build). One emulator serves one
# function; run one per handler (each has its own state dir and port pair).
#   lambda-rie.sh install               build the pinned emulator with `go install` into .servers/bin (skipped when there)
#   lambda-rie.sh up NAME [PORT]        install if missing, start the emulator for dist/lambda/NAME on 127.0.0.1:PORT (free
#                                       port if omitted) and wait until it accepts connections. The function inherits
#                                       this shell's environment (so the S3 endpoint of a local server reaches it), plus
#                                       AWS_LAMBDA_FUNCTION_TIMEOUT (whole seconds; default 300 here, 900 at most on AWS)
#   lambda-rie.sh env NAME              print `export` lines for eval: AWS_ENDPOINT_URL_LAMBDA (the SDK's name) and
#                                       BUCKETKIT_LAMBDA_ENDPOINT. The function name to invoke is always `function`.
#   lambda-rie.sh down NAME             stop only the pid that `up` started (the emulator ends the runtime itself)
#   lambda-rie.sh start|stop NAME       the same as up|down
#   lambda-rie.sh version               print the emulator's module version
# BUCKETKIT_LAMBDA_DIST replaces dist/lambda as the folder of bundles (tests bundle into a folder of their own; it
# must be inside this checkout, so that the bundles' external @aws-sdk/* imports resolve from node_modules).
# Facts: ../shared/reference/lambda-emulator.md (re-verified 2026-12-04: Go 1.26.8, Node 20.20).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/offline-env.sh"
source "$ROOT/scripts/servers/common.sh"

# The Go module proxy serves this pseudo-version (also what @latest resolves to); the tag v1.23.0 is refused (403).
RIE_MODULE="github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
RIE_VERSION="v0.0.0-20261030222936-bef5c4ba774d"
BIN_DIR="${BUCKETKIT_TOOLS_BIN:-$ROOT/.servers/bin}"
RIE_BIN="$BIN_DIR/aws-lambda-rie"
BOOTSTRAP="$ROOT/scripts/servers/lambda-bootstrap.js"

state_dir() { echo "${BUCKETKIT_STATE_DIR:-$ROOT/.servers}/lambda-rie-$1"; }

need_name() {
  if [ -z "${1:-}" ]; then echo "usage: $0 up|env|down NAME   (NAME: a folder of dist/lambda, e.g. transfer)" >&2; exit 2; fi
  if ! [[ "$1" =~ ^[a-z0-9-]+$ ]]; then echo "lambda-rie: bad function name '$1'" >&2; exit 2; fi
}

install() {
  if [ -x "$RIE_BIN" ] && [ "$(cat "$BIN_DIR/aws-lambda-rie.version" 2>/dev/null)" = "$RIE_VERSION" ]; then return 0; fi
  if ! command -v go >/dev/null 2>&1; then
    echo "bucketkit: Go (1.26.6 or newer) is required to build the Lambda Runtime Interface Emulator; install it from https://go.dev/dl/." >&2
    exit 3
  fi
  mkdir -p "$BIN_DIR"
  echo "bucketkit: building aws-lambda-rie $RIE_VERSION into $BIN_DIR (about 45 s with cold caches)" >&2
  # GOTOOLCHAIN=local: build with the installed Go, never download a toolchain.
  (cd "$BIN_DIR" && GOTOOLCHAIN=local GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "$RIE_MODULE@$RIE_VERSION") >&2
  [ -x "$RIE_BIN" ] || { echo "bucketkit: go install finished but $RIE_BIN is missing" >&2; exit 1; }
  echo "$RIE_VERSION" >"$BIN_DIR/aws-lambda-rie.version"
}

alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat" 2>/dev/null; }
# A pid is ours while it is alive and still the emulator (a pid of a long-dead emulator may be reused).
ours() { alive "$1" && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = aws-lambda-rie ]; }

up() {
  need_name "${1:-}"
  local name="$1" state task_root
  state="$(state_dir "$name")"
  task_root="${BUCKETKIT_LAMBDA_DIST:-$ROOT/dist/lambda}/$name"
  [ -f "$task_root/index.js" ] || { echo "lambda-rie: $task_root/index.js is missing (run: npm run build)" >&2; exit 1; }
  install
  if [ -f "$state/pid" ] && ours "$(cat "$state/pid")"; then return 0; fi
  local port="${2:-$(free_port)}" runtime_port
  runtime_port="$(free_port)"
  while [ "$runtime_port" = "$port" ]; do runtime_port="$(free_port)"; done
  rm -rf "$state"
  mkdir -p "$state"
  # Both addresses on loopback: the emulator's default Invoke address is 0.0.0.0:8080 (every interface).
  # LAMBDA_TASK_ROOT is required (without it the first invoke answers 502 Runtime.PlatformError).
  (
    export LAMBDA_TASK_ROOT="$task_root"
    export AWS_LAMBDA_FUNCTION_NAME="${AWS_LAMBDA_FUNCTION_NAME:-bucketkit-$name}"
    export AWS_LAMBDA_FUNCTION_TIMEOUT="${AWS_LAMBDA_FUNCTION_TIMEOUT:-300}"
    export AWS_LAMBDA_FUNCTION_MEMORY_SIZE="${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-1024}"
    exec "$RIE_BIN" --runtime-interface-emulator-address "127.0.0.1:$port" --runtime-api-address "127.0.0.1:$runtime_port" \
      "$(command -v node)" "$BOOTSTRAP" index.handler
  ) >"$state/server.log" 2>&1 &
  echo $! >"$state/pid"
  echo "$port" >"$state/port"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if ! alive "$(cat "$state/pid")"; then
      echo "lambda-rie exited; its log:" >&2; cat "$state/server.log" >&2; down "$name"; exit 1
    fi
    sleep 0.1
  done
  echo "lambda-rie did not accept connections on 127.0.0.1:$port within 10 s; its log:" >&2
  cat "$state/server.log" >&2
  down "$name"
  exit 1
}

env_() {
  need_name "${1:-}"
  local state; state="$(state_dir "$1")"
  [ -f "$state/port" ] || { echo "lambda-rie for $1 is not up (run: $0 up $1)" >&2; exit 1; }
  _export AWS_ENDPOINT_URL_LAMBDA "http://127.0.0.1:$(cat "$state/port")"
  _export BUCKETKIT_LAMBDA_ENDPOINT "http://127.0.0.1:$(cat "$state/port")"
}

down() {
  need_name "${1:-}"
  local state; state="$(state_dir "$1")"
  if [ -f "$state/pid" ]; then
    local pid; pid="$(cat "$state/pid")"
    if ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
      alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$state"
}

version() { install; echo "aws-lambda-rie $RIE_VERSION (built with $(go version | cut -d" " -f3))"; }

case "${1:-}" in
  version) version ;;
  install) install ;;
  up | start) shift; up "$@" ;;
  env) shift; env_ "$@" ;;
  down | stop) shift; down "$@" ;;
  *) echo "usage: $0 install|up NAME [PORT]|env NAME|down NAME|version   (start = up, stop = down)" >&2; exit 2 ;;
esac
