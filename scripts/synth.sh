#!/usr/bin/env bash
# npm start: synthesizes the example CDK app (bin/app.ts) offline into cdk.out, then prints a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/offline-env.sh
rm -rf cdk.out
npx cdk synth --quiet --no-notices --no-version-reporting --output cdk.out
node scripts/synth-summary.js cdk.out
