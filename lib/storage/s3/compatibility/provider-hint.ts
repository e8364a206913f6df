import type { ProviderName } from '../../types/compatibility';

/**
 * Guesses the provider from response headers and the host. Only a hint: it picks defaults, never verdicts.
 */
export function providerHint(endpoint: string | undefined, headers: readonly Record<string, string>[]): { provider: ProviderName; evidence: string } {
  const host = endpoint ? new URL(endpoint).hostname : 's3.amazonaws.com';
  const byHost: [RegExp, ProviderName][] = [
    [/\.r2\.cloudflarestorage\.com$/, 'r2'],
    [/backblazeb2\.com$/, 'b2'],
    [/(^|\.)storage\.googleapis\.com$/, 'gcs'],
    [/wasabisys\.com$/, 'wasabi'],
    [/(^|\.)amazonaws\.com(\.cn)?$/, 'aws'],
  ];
  for (const [pattern, provider] of byHost) if (pattern.test(host)) return { provider, evidence: `host ${host}` };
  for (const h of headers) {
    const server = h.server ?? h.Server ?? '';
    const requestId = h['x-amz-request-id'] ?? '';
    if (/minio/i.test(server) || h['x-minio-deployment-id']) return { provider: 'minio', evidence: `Server: ${server}` };
    if (/^tx[0-9a-f]{15,30}-[0-9a-f]{8,12}-[0-9a-f]+-/.test(requestId))
      return { provider: 'ceph-rgw', evidence: `x-amz-request-id ${requestId} has RGW's tx<...>-<...>-<zone> form` };
    if (/werkzeug/i.test(server) || /moto/i.test(server)) return { provider: 'moto', evidence: `Server: ${server}` };
    if (/AmazonS3/i.test(server)) return { provider: 'aws', evidence: `Server: ${server}` };
    if (/cloudflare/i.test(server)) return { provider: 'r2', evidence: `Server: ${server}` };
  }
  return { provider: 'unknown', evidence: `no recognisable Server header or host (${host})` };
}
