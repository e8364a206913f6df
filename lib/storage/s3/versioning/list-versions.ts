import { ListObjectVersionsCommand, type ListObjectVersionsCommandInput, type ListObjectVersionsCommandOutput } from '@aws-sdk/client-s3';
import type { DeserializeHandler, DeserializeHandlerArguments, DeserializeHandlerOutput } from '@smithy/types';
import type { Readable } from 'node:stream';
import { MAX_LIST_PAGE_SIZE } from '../../../rules/limits';
import { InvalidArgumentError } from '../../errors';
import type { ListVersionsOptions, ListVersionsPage, ObjectVersion } from '../../types/versioning';
import type { S3Context } from '../core/context';
import { normalizeEtag } from '../core/mapping';
import { assertKey } from '../core/validation';

function invalid(field: string, message: string): never {
  throw new InvalidArgumentError(`${field}: ${message}`, { field });
}

/** Validates {@link ListVersionsOptions}; nothing is sent. */
export function assertListVersionsOptions(options: ListVersionsOptions): void {
  if (options.pageSize !== undefined && (!Number.isInteger(options.pageSize) || options.pageSize < 1 || options.pageSize > MAX_LIST_PAGE_SIZE)) {
    invalid('pageSize', `must be an integer from 1 to ${MAX_LIST_PAGE_SIZE}`);
  }
  for (const field of ['prefix', 'keyMarker', 'versionIdMarker'] as const) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'string') invalid(field, 'must be a string');
  }
  if (options.prefix) assertKey(options.prefix, 'prefix');
  if (options.versionIdMarker !== undefined && options.keyMarker === undefined) {
    invalid('versionIdMarker', 'needs keyMarker: S3 resumes after that version of keyMarker');
  }
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };

function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (e) => XML_ENTITIES[e]);
}

/** The `(kind, key, versionId)` of every entry of a ListObjectVersions XML body, in document order. */
export function entryOrderOf(xml: string): string[] {
  const order: string[] = [];
  for (const match of xml.matchAll(/<(Version|DeleteMarker)>([\s\S]*?)<\/\1>/g)) {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(match[2])?.[1] ?? '';
    const versionId = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(match[2])?.[1] ?? 'null';
    order.push(entryId(match[1] === 'DeleteMarker', unescapeXml(key), unescapeXml(versionId)));
  }
  return order;
}

function entryId(isDeleteMarker: boolean, key: string, versionId: string): string {
  return `${isDeleteMarker ? 'm' : 'v'}\u0000${key}\u0000${versionId}`;
}

/**
 * Records the order S3 sent the entries in: the SDK parses `<Version>` and `<DeleteMarker>` into two lists and the
 * interleaving is lost, so this reads the raw body (and hands the same bytes on to the SDK's parser).
 */
function recordEntryOrder(command: ListObjectVersionsCommand, sink: { order?: string[] }): void {
  command.middlewareStack.addRelativeTo(
    (next: DeserializeHandler<ListObjectVersionsCommandInput, ListObjectVersionsCommandOutput>) =>
      async (args: DeserializeHandlerArguments<ListObjectVersionsCommandInput>): Promise<DeserializeHandlerOutput<ListObjectVersionsCommandOutput>> => {
        const result = await next(args);
        const response = result.response as { body?: unknown };
        const body = response.body;
        if (body !== undefined && body !== null && typeof (body as Readable)[Symbol.asyncIterator] === 'function') {
          const chunks: Buffer[] = [];
          for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
          const bytes = Buffer.concat(chunks);
          response.body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          sink.order = entryOrderOf(bytes.toString('utf8'));
        }
        return result;
      },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'bucketkitVersionOrder', override: true },
  );
}

/**
 * True when `order` reads like S3's own: each key's entries in one run, and not every version before every delete
 * marker (moto's layout, which lists all versions, then all markers, whatever their age).
 */
function trustworthyOrder(order: readonly string[]): boolean {
  const firstMarker = order.findIndex((id) => id.startsWith('m'));
  const lastVersion = order.map((id) => id.startsWith('v')).lastIndexOf(true);
  if (firstMarker >= 0 && lastVersion >= 0 && lastVersion < firstMarker) return false;
  const done = new Set<string>();
  let current: string | undefined;
  for (const id of order) {
    const key = id.slice(2, id.lastIndexOf('\u0000'));
    if (key === current) continue;
    if (done.has(key)) return false;
    if (current !== undefined) done.add(current);
    current = key;
  }
  return true;
}

/**
 * Merges the two lists the SDK parses ListObjectVersions into back into one, newest first within each key: in the
 * order S3 sent them when `order` (from the raw body) reads like S3's (see trustworthyOrder); else by key,
 * the current entry first, then `lastModified` descending, a delete marker before a version of the same second
 * (the usual sequence: written, then deleted), each list keeping the server's order within a second.
 */
export function mergeVersions(output: Pick<ListObjectVersionsCommandOutput, 'Versions' | 'DeleteMarkers'>, order?: readonly string[]): ObjectVersion[] {
  const versions: ObjectVersion[] = (output.Versions ?? []).map((v) => ({
    key: v.Key ?? '',
    versionId: v.VersionId ?? 'null',
    isLatest: v.IsLatest === true,
    isDeleteMarker: false,
    lastModified: v.LastModified,
    size: v.Size ?? 0,
    etag: v.ETag === undefined ? undefined : normalizeEtag(v.ETag),
    storageClass: v.StorageClass,
  }));
  const markers: ObjectVersion[] = (output.DeleteMarkers ?? []).map((m) => ({
    key: m.Key ?? '',
    versionId: m.VersionId ?? 'null',
    isLatest: m.IsLatest === true,
    isDeleteMarker: true,
    lastModified: m.LastModified,
    size: 0,
  }));
  const all = [...markers, ...versions];
  const id = (e: ObjectVersion): string => entryId(e.isDeleteMarker, e.key, e.versionId);
  const position = new Map((order ?? []).map((entry, i) => [entry, i]));
  if (order !== undefined && trustworthyOrder(order) && all.every((e) => position.has(id(e)))) {
    return all.sort((a, b) => position.get(id(a))! - position.get(id(b))!);
  }
  // Array.prototype.sort is stable: ties keep markers first, then each list's own order.
  return all.sort((a, b) => {
    if (a.key !== b.key) return a.key < b.key ? -1 : 1;
    if (a.isLatest !== b.isLatest) return a.isLatest ? -1 : 1;
    return (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0);
  });
}

/**
 * ListObjectVersions, page by page: versions and delete markers in one ordered list. Resumable: pass a page's
 * `nextKeyMarker` and `nextVersionIdMarker` as `keyMarker` and `versionIdMarker`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 * @throws InvalidArgumentError for bad options, before any request
 */
export function listVersions(ctx: S3Context, options: ListVersionsOptions = {}): AsyncIterableIterator<ListVersionsPage> {
  assertListVersionsOptions(options);
  return pages(ctx, options);
}

async function* pages(ctx: S3Context, options: ListVersionsOptions): AsyncIterableIterator<ListVersionsPage> {
  let keyMarker = options.keyMarker;
  let versionIdMarker = options.versionIdMarker;
  for (;;) {
    const command = new ListObjectVersionsCommand({
      Bucket: ctx.bucket,
      Prefix: options.prefix,
      KeyMarker: keyMarker,
      VersionIdMarker: versionIdMarker,
      MaxKeys: options.pageSize ?? MAX_LIST_PAGE_SIZE,
      RequestPayer: ctx.requestPayer,
    });
    const sink: { order?: string[] } = {};
    recordEntryOrder(command, sink);
    const output = await ctx.send(command, { abortSignal: options.abortSignal });
    const isTruncated = output.IsTruncated === true;
    yield {
      versions: mergeVersions(output, sink.order),
      isTruncated,
      nextKeyMarker: isTruncated ? output.NextKeyMarker : undefined,
      nextVersionIdMarker: isTruncated ? output.NextVersionIdMarker : undefined,
    };
    if (!isTruncated || output.NextKeyMarker === undefined) return;
    keyMarker = output.NextKeyMarker;
    versionIdMarker = output.NextVersionIdMarker;
  }
}

/** Every version and delete marker of exactly `key`, newest first (ListObjectVersions with the key as prefix). */
export async function versionsOfKey(ctx: S3Context, key: string, abortSignal?: AbortSignal): Promise<ObjectVersion[]> {
  const result: ObjectVersion[] = [];
  for await (const page of listVersions(ctx, { prefix: key, abortSignal })) {
    for (const v of page.versions) if (v.key === key) result.push(v);
    // Keys sharing the prefix sort after `key` itself; once past it, stop.
    if (page.versions.some((v) => v.key > key)) break;
  }
  return result;
}
