# shellcheck shell=bash
# Source this file: it sets the variables that keep every tool on loopback and offline
# (../shared/reference/toolchain.md, "Staying offline").
export CDK_DISABLE_CLI_TELEMETRY=true
export CDK_DISABLE_VERSION_CHECK=1
export npm_config_update_notifier=false
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_EC2_METADATA_DISABLED=true
export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9
# Static placeholder credentials: the SDK's default chain must never go looking for real ones.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-bucketkit-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-bucketkit-test-secret}"
export NO_PROXY="127.0.0.1,localhost,::1${NO_PROXY:+,$NO_PROXY}"
