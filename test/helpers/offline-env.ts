/** The variables that keep every tool on loopback (../shared/reference/toolchain.md), set in every Jest process. */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CDK_DISABLE_VERSION_CHECK: '1',
  npm_config_update_notifier: 'false',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
};

/** Applies {@link OFFLINE_ENV} to `process.env`; AWS_REGION keeps a value already set. */
export function applyOfflineEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(OFFLINE_ENV)) {
    if (name === 'AWS_REGION' && env[name]) continue;
    env[name] = value;
  }
}
