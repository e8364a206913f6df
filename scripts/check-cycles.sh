#!/usr/bin/env bash
# Import-cycle check (dpdm): fails on any cycle among lib/, bin/ and lambda/, type-only imports included, so that
# no layer can lean on a layer above it even for types. Pass files or globs to check something else.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  set -- 'lib/**/*.ts' 'bin/**/*.ts'
  [ -d lambda ] && set -- "$@" 'lambda/**/*.ts'
fi
out="$(npx --no-install dpdm --no-warning --no-tree --no-progress --exit-code circular:1 "$@" 2>&1)" && status=0 || status=$?
echo "$out" | sed -n '/Circular Dependencies/,$p'
exit "$status"
