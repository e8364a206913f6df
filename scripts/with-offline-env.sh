#!/usr/bin/env bash
# Runs a command with the offline variables set.
set -euo pipefail
# shellcheck source=scripts/offline-env.sh
source "$(dirname "$0")/offline-env.sh"
exec "$@"
