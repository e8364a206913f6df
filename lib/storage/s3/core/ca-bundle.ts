/** `caBundle` and `AWS_CA_BUNDLE`: the certificate authorities the clients bucketkit builds trust for https. */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../errors';

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/**
 * The PEM bundle to trust instead of Node's roots: `caBundle` (a path, or the PEM itself) when given, else the file
 * `AWS_CA_BUNDLE` names (the variable the AWS CLI and other AWS SDKs read; the JavaScript SDK v3 does not, so without
 * this the same environment works for `aws s3` and not for bucketkit), else undefined (Node's roots and
 * `NODE_EXTRA_CA_CERTS`). https://docs.aws.amazon.com/sdkref/latest/guide/feature-gen-config.html
 * @throws InvalidArgumentError (`caBundle`) for a bundle that cannot be read or holds no PEM certificate, or a
 *   `caBundle` given with a ready `client` (whose agent decides what it trusts); an `AWS_CA_BUNDLE` that cannot be
 *   read names the variable
 */
export function resolveCaBundle(caBundle: string | Uint8Array | undefined, env: NodeJS.ProcessEnv, hasClient: boolean): Buffer | undefined {
  if (caBundle !== undefined && hasClient) {
    throw new InvalidArgumentError('config.caBundle: not with a ready client (give its https agent the `ca`)', {
      field: 'config.caBundle',
    });
  }
  if (caBundle === undefined && (hasClient || !env.AWS_CA_BUNDLE)) return undefined;
  const source = caBundle ?? env.AWS_CA_BUNDLE!;
  const name = caBundle === undefined ? `AWS_CA_BUNDLE (${source})` : 'config.caBundle';
  const field = caBundle === undefined ? 'AWS_CA_BUNDLE' : 'config.caBundle';
  let pem: Buffer;
  if (typeof source !== 'string') pem = Buffer.from(source);
  else if (source.includes(PEM_CERTIFICATE)) pem = Buffer.from(source);
  else {
    try {
      pem = readFileSync(source);
    } catch (error) {
      throw new InvalidArgumentError(`${name}: the file cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
        field,
        cause: error,
      });
    }
  }
  if (!pem.includes(PEM_CERTIFICATE)) throw new InvalidArgumentError(`${name}: holds no PEM certificate (${PEM_CERTIFICATE})`, { field });
  return pem;
}
