# shellcheck shell=bash
# Shared by the server scripts in this folder: each defines install, up, env_, down and version, then calls
# `dispatch "$@"`.

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Runs the subcommand named by the first argument.
dispatch() {
  case "${1:-}" in
    version) version ;;
    install) install ;;
    up) shift; up "$@" ;;
    env) env_ ;;
    down) down ;;
    *) echo "usage: $0 install|up [PORT]|env|down|version" >&2; exit 2 ;;
  esac
}
