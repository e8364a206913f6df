/** The download engine's end-to-end checks: the bytes received against the object's ETag. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { MIB } from '../../../../rules/limits';
import { IntegrityError } from '../../../errors';
import type { DownloadResult } from '../../../types/transfer';
import { multipartEtag, unquoteEtag } from '../shared/checksums';
import type { S3Context } from '../../core/context';
import type { DownloadTarget } from './target';

/** How a download's bytes were checked against the object's ETag. */
export type VerifiedBy = DownloadResult['verifiedBy'];

/** The multipart ETag computed from the ranges' MD5s, checked against the object's. */
export function assertMultipartEtag(ctx: S3Context, key: string, target: DownloadTarget, md5s: readonly string[]): void {
  const computed = multipartEtag(md5s);
  const expected = unquoteEtag(target.etag);
  if (computed !== expected) {
    throw new IntegrityError(`download of ${key}: the multipart ETag of the bytes received, ${computed}, differs from ${target.etag}`, {
      check: 'multipart-etag',
      expected,
      actual: computed,
      bucket: ctx.bucket,
      key,
    });
  }
}

/** `computed` (the MD5 of the bytes, or a multipart ETag computed from the file), checked against the object's ETag. */
export function assertHashMatches(ctx: S3Context, key: string, target: DownloadTarget, check: 'md5-etag' | 'multipart-etag', computed: string): void {
  const expected = unquoteEtag(target.etag);
  if (computed !== expected) {
    throw new IntegrityError(`download of ${key}: the bytes received hash to ${computed}, not ${target.etag}`, {
      check,
      expected,
      actual: computed,
      bucket: ctx.bucket,
      key,
    });
  }
}

/** Hashes a written file in the object's part layout (or whole, for a plain MD5 ETag) and compares with the ETag. */
export async function verifyFromFile(ctx: S3Context, key: string, file: string, target: DownloadTarget): Promise<VerifiedBy> {
  const md5s = await md5sOfFile(file, target.plainMd5 ? Number.MAX_SAFE_INTEGER : target.rangeSize);
  if (target.plainMd5) assertHashMatches(ctx, key, target, 'md5-etag', md5s[0]);
  else assertHashMatches(ctx, key, target, 'multipart-etag', multipartEtag(md5s));
  return target.plainMd5 ? 'md5-etag' : 'multipart-etag';
}

/** The MD5 of every `chunkSize` bytes of `file` (one digest for an empty file). */
async function md5sOfFile(file: string, chunkSize: number): Promise<string[]> {
  const md5s: string[] = [];
  let hash = createHash('md5');
  let inRange = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: MIB })) {
    let bytes = chunk as Buffer;
    while (bytes.length > 0) {
      const take = Math.min(bytes.length, chunkSize - inRange);
      hash.update(bytes.subarray(0, take));
      inRange += take;
      bytes = bytes.subarray(take);
      if (inRange === chunkSize) {
        md5s.push(hash.digest('hex'));
        hash = createHash('md5');
        inRange = 0;
      }
    }
  }
  if (inRange > 0 || md5s.length === 0) md5s.push(hash.digest('hex'));
  return md5s;
}
