#!/usr/bin/env bash
# npm start: bundles the Lambda handlers (esbuild, under a second) into dist/lambda/, so the assets are the real
# handlers, then synthesizes the example CDK apps (bin/app.ts: the main example and the scale-out example) offline
# into cdk.out, and prints a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/offline-env.sh
rm -rf cdk.out
node scripts/bundle-handlers.js
npx cdk synth --quiet --no-notices --no-version-reporting --output cdk.out
node scripts/synth-summary.js cdk.out
