#!/usr/bin/env bash
# Peers the transfer benchmark compares bucketkit with (docs/benchmarks.md), installed from the registries this
# machine reaches, into a cache outside the checkout; nothing here runs in npm test or CI.
#   bench/peers.sh install   rclone (go install, pinned) and the AWS CLI (PyPI awscli, pinned, in its own venv)
#   bench/peers.sh path      print the directory to put first on PATH (bench/transfer.ts does that itself)
#   bench/peers.sh versions  print each peer's version
set -euo pipefail
RCLONE_VERSION="v1.76.0"
AWSCLI_VERSION="1.45.11"
PEERS="${XDG_CACHE_HOME:-$HOME/.cache}/bucketkit/peers"

install() {
  mkdir -p "$PEERS"
  if ! "$PEERS/rclone" version 2>/dev/null | grep -q "rclone $RCLONE_VERSION"; then
    echo "bench/peers.sh: building rclone $RCLONE_VERSION with go install (a few minutes on 2 cores)" >&2
    GOBIN="$PEERS" go install "github.com/rclone/rclone@$RCLONE_VERSION"
  fi
  if ! "$PEERS/aws" --version 2>/dev/null | grep -q "aws-cli/$AWSCLI_VERSION"; then
    python3 -m venv "$PEERS/awscli-venv"
    "$PEERS/awscli-venv/bin/pip" install --quiet "awscli==$AWSCLI_VERSION"
    ln -sf "$PEERS/awscli-venv/bin/aws" "$PEERS/aws"
  fi
  versions
}

versions() {
  "$PEERS/rclone" version | head -1
  "$PEERS/aws" --version
}

case "${1:-}" in
  install) install ;;
  path) echo "$PEERS" ;;
  versions) versions ;;
  *)
    echo "usage: $0 install|path|versions" >&2
    exit 2
    ;;
esac
