/**
 * The body `get()` returns: the GetObject answer's stream, resumed transparently when it breaks part-way.
 *
 * Once the SDK has handed over the response, neither it nor anything else retries: a connection reset or a body that
 * ends short (a truncated answer) reached the caller as `ECONNRESET 'aborted'`. Here a retryable break is followed by a
 * ranged GET of the rest (from the next byte not yet delivered, to the end of what was asked), pinned to the same object
 * with `If-Match` on the first answer's ETag (RFC 9110 conditional requests; S3 answers 412 when it changed), and
 * its bytes carry on in the same stream. https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { AbortedError, IntegrityError, PreconditionFailedError, ServiceError, StorageError, TimeoutError } from '../../errors';
import type { GetOptions } from '../../types/objects';
import type { S3Context } from '../core/context';
import { customerKeyInput } from '../core/encryption';
import { toStorageError } from '../core/error-mapping';
import { normalizeEtag, parseContentRange } from '../core/mapping';

/** Base of the jittered back-off before a resumed request: up to 100, 200, 400 ... ms, at most {@link MAX_RESUME_DELAY_MS}. */
export const RESUME_BASE_DELAY_MS = 100;
/** The back-off before a resumed request never waits longer than this. */
export const MAX_RESUME_DELAY_MS = 2_000;

/** Node and undici codes of a connection that broke while an answer was read: worth asking for the rest. */
const BROKEN_BODY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/** The bytes an answer covers: `[start, end]` (inclusive) of the object. */
interface Span {
  readonly start: number;
  readonly end: number;
}

/** Where a body comes from and how to ask for the rest of it. */
interface ResumePlan {
  readonly ctx: S3Context;
  readonly key: string;
  readonly options: GetOptions;
  /** The bytes the first answer covers; undefined when its length is unknown (then it cannot be resumed or checked). */
  readonly span: Span | undefined;
  /** The object's total size, when the answer said. */
  readonly total: number | undefined;
  /** The first answer's ETag, the pin of every resumed request; without one the body is not resumed. */
  readonly etag: string | undefined;
  /** Answers read at most (the config's `maxAttempts`): the first one and up to `maxAttempts - 1` resumed ones. */
  readonly maxResponses: number;
}

/**
 * Wraps the body of a GetObject answer so that a retryable break part-way (connection reset, `aborted`, premature
 * close, an idle timeout, or an end before `ContentLength` bytes) is resumed from the next byte with a ranged GET
 * pinned to the first answer's ETag (`If-Match`), the same `versionId`, SSE-C key and requester-pays setting, within
 * the range asked for (a `partNumber` read resumes by the byte range the part covers). The caller reads every byte
 * once, in order: bytes delivered are counted, and a resumed answer whose `Content-Range` is not exactly the rest is
 * refused. Flexible checksums (`checksumMode`) are validated by the SDK on the first answer only; the resumed bytes
 * are pinned by ETag.
 *
 * The stream follows the caller's pace (a paused or slow reader pauses the socket). `abortSignal` or `destroy()`
 * stops it, a resumed request or its back-off included.
 *
 * Errors the stream fails with (all `StorageError`):
 * - `PreconditionFailedError` when the object changed (or `ObjectNotFoundError` when it was deleted) before the rest
 *   could be read: the bytes already delivered belong to the old object;
 * - `TimeoutError`, `ServiceError` (or `IntegrityError` with `check: 'size'` for an answer that ended short), all with
 *   `retryable: true`, when `maxAttempts` answers broke;
 * - `AbortedError` when the caller's signal fired;
 * - the mapped error of a resumed request that S3 refused.
 */
export function resumingBody(ctx: S3Context, key: string, options: GetOptions, output: GetObjectCommandOutput): Readable {
  const body = output.Body as Readable | undefined;
  if (!body) return Readable.from([]);
  return new ResumingBody(body, planOf(ctx, key, options, output));
}

/**
 * The rest of an answer whose body broke after `delivered` bytes were read straight from it (the fast path of
 * `getBuffer`, which reads the SDK's body without this stream's extra hop until it breaks): a stream of the bytes
 * after those, resumed exactly as {@link resumingBody} resumes, or failing as it fails.
 */
export function resumeAfterBreak(
  ctx: S3Context,
  key: string,
  options: GetOptions,
  output: GetObjectCommandOutput,
  delivered: number,
  error: unknown,
): Readable {
  const body = new ResumingBody(undefined, planOf(ctx, key, options, output), delivered);
  queueMicrotask(() => body.breakWith(error));
  return body;
}

/** What a resume needs to know about the first answer. */
function planOf(ctx: S3Context, key: string, options: GetOptions, output: GetObjectCommandOutput): ResumePlan {
  const contentRange = parseContentRange(output.ContentRange);
  const length = output.ContentLength;
  let span: Span | undefined;
  if (contentRange) span = { start: contentRange.start, end: contentRange.end };
  else if (length !== undefined) span = { start: 0, end: length - 1 };
  if (span && length !== undefined && span.end - span.start + 1 !== length) span = undefined;
  const total = contentRange ? (Number.isNaN(contentRange.total) ? undefined : contentRange.total) : length;
  return { ctx, key, options, span, total, etag: output.ETag || undefined, maxResponses: ctx.config.maxAttempts };
}

class ResumingBody extends Readable {
  private source: Readable | undefined;
  /** Bytes handed to the caller so far. */
  private delivered = 0;
  /** Answers whose body was (or is being) read, the first one included. */
  private responses = 1;
  /** Cancels a resumed request or its back-off when the stream is destroyed. */
  private stopController: AbortController | undefined;
  private readonly onCallerAbort = () => {
    const { ctx, key } = this.plan;
    this.destroy(new AbortedError(`the read of ${key} was cancelled after ${this.delivered} bytes`, { bucket: ctx.bucket, key }));
  };

  public constructor(
    first: Readable | undefined,
    private readonly plan: ResumePlan,
    delivered = 0,
  ) {
    super();
    this.delivered = delivered;
    // A body the caller never reads must not crash the process when it fails: the error stays on the stream
    // (`errored`) and reaches whoever reads it (for await, pipe, toArray).
    this.on('error', () => undefined);
    if (first) this.attach(first);
    const signal = plan.options.abortSignal;
    if (signal?.aborted) queueMicrotask(this.onCallerAbort);
    else signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  public override _read(): void {
    this.source?.resume();
  }

  public override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stopController?.abort();
    this.plan.options.abortSignal?.removeEventListener('abort', this.onCallerAbort);
    const source = this.source;
    this.source = undefined;
    source?.destroy();
    callback(error);
  }

  /** The signal of a resumed request and its back-off; made on the first resume only (most bodies never need one). */
  private get stopSignal(): AbortSignal {
    this.stopController ??= new AbortController();
    return this.stopController.signal;
  }

  private get length(): number | undefined {
    return this.plan.span ? this.plan.span.end - this.plan.span.start + 1 : undefined;
  }

  /** Reads `source` into this stream until it ends or breaks; its events after that are ignored. */
  private attach(source: Readable): void {
    this.source = source;
    let settled = false;
    const settle = (error: unknown | undefined): void => {
      if (settled) return;
      settled = true;
      if (this.source === source) this.source = undefined;
      source.on('error', () => undefined);
      if (error === undefined) {
        if (!this.destroyed) this.push(null);
        return;
      }
      source.destroy();
      this.onBreak(error);
    };
    source.on('data', (chunk: Buffer) => {
      if (settled || this.destroyed) return;
      const length = this.length;
      if (length !== undefined && this.delivered + chunk.length > length) {
        // Never hand over more than the answer said it holds (a server ignoring the range would repeat bytes).
        settle(new IntegrityError(`${this.plan.key}: the answer ran past its ${length} bytes`, this.sizeOptions(length, this.delivered + chunk.length, false)));
        return;
      }
      this.delivered += chunk.length;
      if (!this.push(chunk)) source.pause();
    });
    source.on('end', () => {
      const length = this.length;
      if (length !== undefined && this.delivered < length) {
        settle(
          new IntegrityError(`${this.plan.key}: the answer ended after ${this.delivered} of ${length} bytes`, this.sizeOptions(length, this.delivered, true)),
        );
      } else settle(undefined);
    });
    source.on('error', (error: unknown) => settle(error ?? new Error('the answer body failed')));
    source.on('close', () => {
      const closed = Object.assign(new Error('the answer body closed before its end'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
      // 'close' after 'end' is normal: settled already.
      settle(closed);
    });
  }

  private sizeOptions(expected: number, actual: number, retryable: boolean) {
    return { check: 'size' as const, expected, actual, retryable, bucket: this.plan.ctx.bucket, key: this.plan.key };
  }

  /** The first answer, read by someone else, broke after the bytes this body was told were delivered. */
  public breakWith(error: unknown): void {
    this.onBreak(error);
  }

  /** The current answer broke: ask for the rest, or fail. */
  private onBreak(error: unknown): void {
    if (this.destroyed) return;
    const { plan } = this;
    const mapped = toStorageError(error, { bucket: plan.ctx.bucket, key: plan.key });
    if (!isBrokenBody(error, mapped)) {
      this.destroy(mapped);
      return;
    }
    if (plan.span === undefined || plan.etag === undefined || this.responses >= plan.maxResponses) {
      this.destroy(this.exhausted(mapped, error));
      return;
    }
    this.resumeRest(mapped).catch((failure: unknown) => {
      if (!this.destroyed) this.destroy(toStorageError(failure, { bucket: plan.ctx.bucket, key: plan.key }));
    });
  }

  /** The error a body fails with when it broke and cannot (or may no longer) be resumed: retryable, of the break's class. */
  private exhausted(mapped: StorageError, raw: unknown): StorageError {
    const { plan } = this;
    const why =
      plan.span === undefined
        ? 'its length is unknown'
        : plan.etag === undefined
          ? 'the answer had no ETag to pin the rest to'
          : `maxAttempts is ${plan.maxResponses}`;
    const message = `the body of ${plan.key} broke after ${this.delivered}${this.length === undefined ? '' : ` of ${this.length}`} bytes and ${this.responses} answer(s), not resumed (${why}): ${mapped.message}`;
    const options = { cause: raw, bucket: plan.ctx.bucket, key: plan.key, retryable: true, requestId: mapped.requestId };
    if (mapped instanceof IntegrityError)
      return new IntegrityError(message, { ...this.sizeOptions(mapped.expected as number, mapped.actual as number, true), cause: raw });
    return mapped instanceof TimeoutError ? new TimeoutError(message, options) : new ServiceError(message, options);
  }

  /** Ranged GET of the rest, pinned to the ETag; retried while answers remain; attaches the new body. */
  private async resumeRest(lastBreak: StorageError): Promise<void> {
    const { ctx, key, options } = this.plan;
    const span = this.plan.span!;
    let last: StorageError = lastBreak;
    while (this.responses < this.plan.maxResponses) {
      const attempt = this.responses++;
      await sleep(Math.random() * Math.min(MAX_RESUME_DELAY_MS, RESUME_BASE_DELAY_MS * 2 ** (attempt - 1)), this.stopSignal);
      const start = span.start + this.delivered;
      let output: GetObjectCommandOutput;
      try {
        output = await ctx.send(
          new GetObjectCommand({
            Bucket: ctx.bucket,
            Key: key,
            VersionId: options.versionId,
            Range: `bytes=${start}-${span.end}`,
            IfMatch: this.plan.etag,
            RequestPayer: ctx.requestPayer,
            ...customerKeyInput(options.customerKey),
          }),
          { key, abortSignal: this.stopSignal },
        );
      } catch (error) {
        if (this.destroyed) return;
        if (error instanceof PreconditionFailedError) {
          throw new PreconditionFailedError(
            `${key} changed while its body was read: ${this.delivered} of ${span.end - span.start + 1} bytes of ETag ${this.plan.etag} were delivered, and the rest is no longer there`,
            { cause: error, bucket: ctx.bucket, key, s3Code: error.s3Code, httpStatus: error.httpStatus, requestId: error.requestId },
          );
        }
        if (!(error instanceof StorageError) || !error.retryable || error instanceof AbortedError) throw error;
        last = error;
        continue;
      }
      const body = output.Body as Readable | undefined;
      if (this.destroyed) {
        body?.destroy();
        return;
      }
      const got = parseContentRange(output.ContentRange);
      if (
        !body ||
        !got ||
        got.start !== start ||
        got.end !== span.end ||
        output.ContentLength !== span.end - start + 1 ||
        normalizeEtag(output.ETag) !== normalizeEtag(this.plan.etag)
      ) {
        body?.destroy();
        throw new IntegrityError(
          `${key}: the resumed answer is not bytes ${start}-${span.end} of ETag ${this.plan.etag} (got ${output.ContentRange ?? 'no Content-Range'}, ETag ${output.ETag})`,
          { check: 'size', expected: span.end - start + 1, actual: output.ContentLength ?? 0, bucket: ctx.bucket, key },
        );
      }
      this.attach(body);
      return;
    }
    this.destroy(this.exhausted(last, last.cause ?? last));
  }
}

/** A break worth resuming: the connection or the answer failed, not the caller, S3 or a checksum. */
function isBrokenBody(raw: unknown, mapped: StorageError): boolean {
  if (mapped instanceof AbortedError) return false;
  if (mapped instanceof IntegrityError) return mapped.retryable;
  if (mapped instanceof TimeoutError) return true;
  const e = raw as { code?: unknown; message?: unknown; name?: unknown } | undefined;
  if (typeof e?.code === 'string' && BROKEN_BODY_CODES.has(e.code)) return true;
  return e?.message === 'aborted' || e?.name === 'TimeoutError';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError('the read was cancelled'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('the read was cancelled'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
