#!/usr/bin/env bash
# Runs cfn-lint (PyPI) on CloudFormation templates: scripts/cfn-lint.sh <template.json>...
# Idempotent: installs the pinned cfn-lint into .venv when it is missing or at another version, then lints.
# Exit status is cfn-lint's: 0 clean, non-zero on findings (errors, and warnings unless filtered below).
set -euo pipefail
CFN_LINT_VERSION="1.58.0"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if [ "$("$VENV/bin/cfn-lint" --version 2>/dev/null | awk '{print $2}')" != "$CFN_LINT_VERSION" ]; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION" >&2
fi
if [ "$#" -eq 0 ]; then
  echo "usage: scripts/cfn-lint.sh <template.json>..." >&2
  exit 2
fi
# Errors (E) fail; warnings (W) and informational (I) findings are printed but do not fail the run
# unless CFN_LINT_STRICT=1.
if [ "${CFN_LINT_STRICT:-0}" = "1" ]; then
  exec "$VENV/bin/cfn-lint" --format parseable -- "$@"
fi
exec "$VENV/bin/cfn-lint" --format parseable --non-zero-exit-code error -- "$@"
