# shellcheck shell=bash
# Shared by the server scripts in this folder: each defines install, up, env_, down and version, then calls
# `dispatch "$@"`.

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The output of `env`: shell lines for `eval "$(scripts/servers/NAME.sh env)"`, which export
#  - the AWS SDK's own variables, so the default chain of any SDK or tool uses this server: AWS_ENDPOINT_URL_S3,
#    AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. AWS_PROFILE and AWS_SESSION_TOKEN are unset first: a
#    profile would win over the keys, and a session token would be sent along with them.
#  - the bucketkit names that the examples, tests, benches and test:compat read: BUCKETKIT_TARGET, S3_ENDPOINT,
#    S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_KMS_KEY_ID (when the server has a test KMS key) and
#    S3_KMS_KEY_ID_2 (when it has a second one).
# Programs that parse it take `export NAME=value` lines and skip the rest. Values are shell-quoted (%q); the
# current ones need no quoting, so they read the same either way.
#   print_env TARGET ENDPOINT ACCESS_KEY SECRET_KEY [KMS_KEY_ID [KMS_KEY_ID_2]]
print_env() {
  local target="$1" endpoint="$2" access_key="$3" secret_key="$4" kms_key_id="${5:-}" kms_key_id_2="${6:-}"
  echo "unset AWS_PROFILE AWS_SESSION_TOKEN"
  _export AWS_ENDPOINT_URL_S3 "$endpoint"
  _export AWS_REGION us-east-1
  _export AWS_ACCESS_KEY_ID "$access_key"
  _export AWS_SECRET_ACCESS_KEY "$secret_key"
  _export BUCKETKIT_TARGET "$target"
  _export S3_ENDPOINT "$endpoint"
  _export S3_REGION us-east-1
  _export S3_ACCESS_KEY_ID "$access_key"
  _export S3_SECRET_ACCESS_KEY "$secret_key"
  if [ -n "$kms_key_id" ]; then _export S3_KMS_KEY_ID "$kms_key_id"; fi
  if [ -n "$kms_key_id_2" ]; then _export S3_KMS_KEY_ID_2 "$kms_key_id_2"; fi
}
_export() { printf 'export %s=%q\n' "$1" "$2"; }

# Runs the subcommand named by the first argument. `start` and `stop` are the same as `up` and `down`.
dispatch() {
  case "${1:-}" in
    version) version ;;
    install) install ;;
    up | start) shift; up "$@" ;;
    env) env_ ;;
    down | stop) down ;;
    *) echo "usage: $0 install|up [PORT]|env|down|version   (start = up, stop = down)" >&2; exit 2 ;;
  esac
}
