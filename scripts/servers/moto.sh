#!/usr/bin/env bash
# moto server: AWS semantics (versioning, restore, KMS, SQS/SNS notifications) on 127.0.0.1.
#   moto.sh install        create .venv and install the pinned moto[server] (idempotent)
#   moto.sh up [PORT]      install if missing, start on 127.0.0.1:PORT (free port if omitted), wait until it answers
#   moto.sh env            print `export` lines for eval: AWS_* (the SDK's names) and S3_* (see common.sh)
#   moto.sh down           stop only the pid that `up` started, remove its state dir
#   moto.sh start|stop     the same as up|down
#   moto.sh version        print the server version
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/offline-env.sh"
source "$ROOT/scripts/servers/common.sh"
MOTO_VERSION="5.2.5"
VENV="${BUCKETKIT_VENV:-$ROOT/.venv}"
STATE="${BUCKETKIT_STATE_DIR:-$ROOT/.servers}/moto"

need_python() {
  if ! command -v python3 >/dev/null 2>&1; then
    echo "bucketkit: python3 is required to run the moto S3 server for the tests. Install Python 3.9+ with venv and pip (Debian: apt-get install python3 python3-venv python3-pip)." >&2
    exit 3
  fi
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "bucketkit: python3 has no venv/ensurepip module. Install it (Debian: apt-get install python3-venv)." >&2
    exit 3
  fi
}

install() {
  need_python
  if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" -c "import moto,sys; sys.exit(0 if moto.__version__=='$MOTO_VERSION' else 1)" 2>/dev/null; then
    return 0
  fi
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "moto[server]==$MOTO_VERSION" >&2
}


up() {
  install
  mkdir -p "$STATE"
  if [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
    return 0
  fi
  local port="${1:-$(free_port)}"
  # moto runs on boto: an AWS_PROFILE (or a session token) from the caller's shell makes some S3 calls answer 500
  # with an HTML page (seen with If-None-Match). The server gets the offline placeholder keys only.
  env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN \
    "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$STATE/server.log" 2>&1 &
  echo $! >"$STATE/pid"
  echo "$port" >"$STATE/port"
  for _ in $(seq 1 200); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; then return 0; fi
    if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
      echo "moto server exited; its log:" >&2; cat "$STATE/server.log" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "moto server did not answer on 127.0.0.1:$port within 20 s" >&2
  exit 1
}

env_() {
  [ -f "$STATE/port" ] || { echo "moto is not up (run: $0 up)" >&2; exit 1; }
  print_env moto "http://127.0.0.1:$(cat "$STATE/port")" testing testing
}

down() {
  if [ -f "$STATE/pid" ]; then
    local pid; pid="$(cat "$STATE/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$STATE"
}

version() { install; echo "moto $("$VENV/bin/python" -c "import moto; print(moto.__version__)") (moto_server, Python $("$VENV/bin/python" -c "import platform; print(platform.python_version())"))"; }

dispatch "$@"
