import { createHash, createHmac, Hash, Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest, SourceData } from '@smithy/types';

const bytes = (data: SourceData): string | Buffer =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/** SHA-256 (and HMAC-SHA-256 with a secret) on node:crypto, in the shape SignatureV4 expects. */
class NodeSha256 {
  private hash: Hash | Hmac;
  public constructor(private readonly secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  public update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  public async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  public reset(): void {
    this.hash = this.secret ? createHmac('sha256', bytes(this.secret)) : createHash('sha256');
  }
}

/** What to presign. */
export interface PresignInput {
  readonly method: 'GET' | 'PUT' | 'HEAD' | 'DELETE';
  /** Base URL, e.g. `http://127.0.0.1:9000` or `https://s3.eu-west-1.amazonaws.com`. */
  readonly endpoint: string;
  /** Path-style path, `/<bucket>/<key>`, or `/<key>` with a virtual host. */
  readonly path: string;
  /** Host header to sign, when it differs from the endpoint's (virtual-host style). @default - the endpoint's host */
  readonly host?: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default 900 */
  readonly expiresInSeconds?: number;
}

/** A SigV4 presigned URL (query-string auth), for S3 or any S3-compatible store. */
export async function presignUrl(input: PresignInput): Promise<string> {
  const base = new URL(input.endpoint);
  const signer = new SignatureV4({
    service: 's3',
    region: input.region,
    credentials: input.credentials,
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const host = input.host ?? base.host;
  const encodedPath = input.path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const request: HttpRequest = {
    method: input.method,
    protocol: base.protocol,
    hostname: host.replace(/:\d+$/, ''),
    port: base.port ? Number(base.port) : undefined,
    path: encodedPath,
    query: {},
    // S3 presigned URLs sign an unsigned payload; the header is hoisted into the query string.
    headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  };
  const signed = await signer.presign(request, { expiresIn: input.expiresInSeconds ?? 900 });
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${base.protocol}//${base.host}${encodedPath}?${query}`;
}
