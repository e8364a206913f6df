#!/usr/bin/env bash
# Offline integ-runner snapshot check for integ/integ.*.ts (config: integ.config.json).
#   scripts/integ-snapshots.sh            verify: synthesize each scenario and compare with its committed snapshot
#   scripts/integ-snapshots.sh --update   regenerate the snapshots without deploying (--update-on-failed --dry-run --force)
# Nothing is deployed in either mode and no credentials are needed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/offline-env.sh
source "$ROOT/scripts/offline-env.sh"

if [ "${1:-}" = "--update" ]; then
  shift
  exec npx --no-install integ-runner --config integ.config.json --update-on-failed --dry-run --force "$@"
fi
exec npx --no-install integ-runner --config integ.config.json "$@"
