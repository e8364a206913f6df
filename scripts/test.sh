#!/usr/bin/env bash
# npm test: type-check, lint (import boundaries included), then every Jest project: unit, constructs and
# integration against a real moto server that the Jest global setup starts on loopback and stops by pid.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/offline-env.sh
if ! command -v python3 >/dev/null 2>&1; then
  echo "npm test needs python3 (3.9+, with venv and pip) to run the moto S3 server. Install it, e.g. on Debian: apt-get install python3 python3-venv python3-pip" >&2
  exit 1
fi
bash scripts/servers/moto.sh install
# The Lambda Runtime Interface Emulator for test/integration/lambda (go install into .servers/bin; needs Go >= 1.26.6).
bash scripts/servers/lambda-rie.sh install
echo "== tsc --noEmit"; npx tsc --noEmit
echo "== prettier --check"; npx prettier --check "**/*.{ts,js}"
echo "== eslint"; npx eslint .
echo "== import cycles (dpdm)"; bash scripts/check-cycles.sh
echo "== jest"
results="$(mktemp)"
status=0
npx jest --json --outputFile="$results" "$@" || status=$?
node scripts/jest-summary.js "$results" jest || status=$?
rm -f "$results"
exit "$status"
