/** The CLI's hint for a TLS certificate it does not trust (bin/cli/hints.ts). */
import { UnknownStorageError } from '../../lib/storage';
import { certificateHint } from '../../bin/cli/hints';

test.each([
  [
    'a mapped error whose cause has the OpenSSL code',
    new UnknownStorageError('DEPTH_ZERO_SELF_SIGNED_CERT (b/k): self-signed certificate', {
      cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    }),
  ],
  ['an error with the code', Object.assign(new Error('unable to get local issuer certificate'), { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' })],
  ['an error that crossed a realm and kept only its message', new Error('S3 request failed (b/k): AWS SDK error wrapper for Error: self-signed certificate')],
])('%s: names AWS_CA_BUNDLE and caBundle', (_name, error) => {
  expect(certificateHint(error)).toContain("AWS_CA_BUNDLE, or the config's caBundle");
});

test.each([
  ['a missing key', Object.assign(new Error('NoSuchKey, HTTP 404'), { code: 'ObjectNotFound' })],
  ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })],
  ['not an error', 'text'],
])('%s: no hint', (_name, error) => {
  expect(certificateHint(error)).toBe('');
});
