/** `caBundle` and `AWS_CA_BUNDLE` (core/ca-bundle.ts): what is trusted, and the errors for a bundle that cannot be used. */
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, resolveS3StorageConfig } from '../../../../lib/storage';

const dir = mkdtempSync(join(tmpdir(), 'bk-ca-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const pemFile = join(dir, 'ca.pem');
writeFileSync(pemFile, PEM);
const base = { bucket: 'bucket-a', region: 'us-east-1' };

test('a path, the PEM itself, or AWS_CA_BUNDLE when the config gives none; nothing without either', () => {
  expect(resolveS3StorageConfig({ ...base, caBundle: pemFile }, {}).caBundle?.toString()).toBe(PEM);
  expect(resolveS3StorageConfig({ ...base, caBundle: PEM }, {}).caBundle?.toString()).toBe(PEM);
  expect(resolveS3StorageConfig({ ...base, caBundle: Buffer.from(PEM) }, {}).caBundle?.toString()).toBe(PEM);
  expect(resolveS3StorageConfig(base, { AWS_CA_BUNDLE: pemFile }).caBundle?.toString()).toBe(PEM);
  expect(resolveS3StorageConfig(base, {}).caBundle).toBeUndefined();
});

test('a bundle that cannot be read, or holds no certificate, is InvalidArgumentError naming where it came from', () => {
  const missing = join(dir, 'missing.pem');
  expect(() => resolveS3StorageConfig({ ...base, caBundle: missing }, {})).toThrow(
    expect.objectContaining({ field: 'config.caBundle', message: expect.stringMatching(/^config\.caBundle: .*ENOENT/) }),
  );
  expect(() => resolveS3StorageConfig(base, { AWS_CA_BUNDLE: missing })).toThrow(
    expect.objectContaining({ message: expect.stringContaining(`AWS_CA_BUNDLE (${missing})`) }),
  );
  const notPem = join(dir, 'not.pem');
  writeFileSync(notPem, 'hello');
  expect(() => resolveS3StorageConfig({ ...base, caBundle: notPem }, {})).toThrow(InvalidArgumentError);
});

test('a ready client decides what it trusts: caBundle with it is refused, AWS_CA_BUNDLE is left to it', () => {
  const client = new S3Client({ region: 'us-east-1' });
  expect(() => resolveS3StorageConfig({ ...base, client, caBundle: pemFile }, {})).toThrow(expect.objectContaining({ field: 'config.caBundle' }));
  expect(resolveS3StorageConfig({ ...base, client }, { AWS_CA_BUNDLE: join(dir, 'missing.pem') }).caBundle).toBeUndefined();
  client.destroy();
});
