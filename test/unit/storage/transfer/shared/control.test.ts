/**
 * isRetryable on the error shapes the SDK raises when an answer breaks (recorded against moto through the fault proxy:
 * an UploadPartCopy answer reset mid-body or truncated rejects with a plain Error 'aborted', code ECONNRESET, and
 * `$metadata` without an HTTP status), and on its siblings; a cancel, a caller's stream and S3's refusals are final.
 */
import { AbortedError, AccessDeniedError, CallerStreamError, MultipartUploadError, ThrottledError } from '../../../../../lib/storage';
import { toStorageError } from '../../../../../lib/storage/s3/core/error-mapping';
import { getEventListeners, getMaxListeners } from 'node:events';
import { TRANSFER_SIGNAL_MAX_LISTENERS, isRetryable, linkedController } from '../../../../../lib/storage/s3/transfer/shared/control';

function sdkError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

const context = { bucket: 'b', key: 'k', uploadId: 'u', partNumber: 1 };

test.each([
  ['an answer reset or truncated mid-body (recorded)', sdkError('aborted', { code: 'ECONNRESET', $metadata: { attempts: 1, totalRetryDelay: 0 } })],
  ['a premature close of the answer stream', sdkError('Premature close', { code: 'ERR_STREAM_PREMATURE_CLOSE', $metadata: { attempts: 1 } })],
  ["Node's 'aborted' without a code", sdkError('aborted', { $metadata: { attempts: 1 } })],
  ['a broken pipe while the part was sent', sdkError('write EPIPE', { code: 'EPIPE', $metadata: { attempts: 1 } })],
  ['an undici socket error', sdkError('other side closed', { code: 'UND_ERR_SOCKET' })],
  // Recorded under Jest: the SDK's retry layer wraps the Node error from another realm, keeping only its text.
  ["the SDK's wrapper of 'aborted' from another realm (recorded)", new Error('AWS SDK error wrapper for Error: aborted')],
  ["the SDK's wrapper of a socket hang up", new Error('AWS SDK error wrapper for Error: socket hang up')],
])('retryable: %s', (_name, raw) => {
  expect(isRetryable(toStorageError(raw, context))).toBe(true);
});

test.each([
  ['a cancel', new AbortedError('the transfer was cancelled', { cause: sdkError('aborted', { code: 'ECONNRESET' }) })],
  ["a caller's stream that broke", new CallerStreamError('the source failed', { field: 'source', cause: sdkError('aborted', { code: 'ECONNRESET' }) })],
  ['NoSuchUpload', new MultipartUploadError('gone', { s3Code: 'NoSuchUpload', httpStatus: 404 })],
  ['AccessDenied', new AccessDeniedError('no', { httpStatus: 403 })],
  ['an unmapped error that is not a broken connection', toStorageError(sdkError('Checksum mismatch', {}), context)],
  ["the SDK's wrapper of anything else", toStorageError(new Error('AWS SDK error wrapper for Error: Checksum mismatch'), context)],
  ['not a StorageError at all', sdkError('aborted', { code: 'ECONNRESET' })],
])('final: %s', (_name, error) => {
  expect(isRetryable(error)).toBe(false);
});

test('throttling stays retryable', () => {
  expect(isRetryable(new ThrottledError('SlowDown', { httpStatus: 503 }))).toBe(true);
});

describe('linkedController', () => {
  test("the transfer's own signal takes a listener per request in flight without Node's leak warning; the caller's gets one, removed by dispose", () => {
    const caller = new AbortController();
    const { controller, dispose } = linkedController(caller.signal);
    // Node warns (MaxListenersExceededWarning) past getMaxListeners: 10 on a plain signal.
    expect(getMaxListeners(new AbortController().signal)).toBe(10);
    expect(getMaxListeners(controller.signal)).toBe(TRANSFER_SIGNAL_MAX_LISTENERS);
    const fired: number[] = [];
    for (let i = 0; i < 40; i++) controller.signal.addEventListener('abort', () => fired.push(i));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort();
    expect(fired).toHaveLength(40);
    dispose();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});
