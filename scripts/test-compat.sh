#!/usr/bin/env bash
# npm run test:compat: the whole integration suite, once per S3 server target, with a summary per target.
# Each server is installed and started by its own script in scripts/servers/, and stopped (by pid) afterwards.
#   BUCKETKIT_COMPAT_TARGETS="moto minio ceph-rgw"  picks the targets (default: every target that is wired in)
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/offline-env.sh
TARGETS="${BUCKETKIT_COMPAT_TARGETS:-moto minio ceph-rgw}"
export BUCKETKIT_STATE_DIR="${BUCKETKIT_STATE_DIR:-$(mktemp -d)}"
summary=()
timings=()
passed=0
failed=0
overall=0
for target in $TARGETS; do
  script="scripts/servers/$target.sh"
  start=$(date +%s)
  echo "== $target: install and start"
  if ! bash "$script" up; then
    summary+=("$target: server did not start")
    failed=$(( failed + 1 ))
    overall=1
    continue
  fi
  results="$(mktemp)"
  (
    set -a
    eval "$(bash "$script" env)"
    set +a
    npx jest --selectProjects integration --json --outputFile="$results"
  )
  line="$(node scripts/jest-summary.js "$results" "$target")" || overall=1
  summary+=("$line")
  timings+=("$target: $(( $(date +%s) - start )) s (install, start, suite, stop)")
  counts=$(node -e "const r=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8')); console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites||0))" "$results" 2>/dev/null || echo "0 1")
  passed=$(( passed + ${counts% *} ))
  failed=$(( failed + ${counts#* } ))
  rm -f "$results"
  bash "$script" down
done
echo
echo "== test:compat timings"
printf '%s\n' "${timings[@]}"
echo "== test:compat summary (one line per target, then all targets)"
printf '%s\n' "${summary[@]}"
echo "compat: $passed passed, $failed failed"
exit "$overall"
