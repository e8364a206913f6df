// A request cancelled by the caller's signal fails with AbortedError whose message carries the reason the caller
// gave to abort(reason); the default reason (a DOMException AbortError) adds nothing.
import { AbortedError } from '../../../../lib/storage';
import { toStorageError } from '../../../../lib/storage/s3/core/error-mapping';

const sdkAbort = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });

test("the caller's reason (an Error or a string) is in the message", () => {
  const withError = new AbortController();
  withError.abort(new Error('user pressed stop'));
  const a = toStorageError(sdkAbort(), { bucket: 'b', key: 'k', abortSignal: withError.signal });
  expect(a).toBeInstanceOf(AbortedError);
  expect(a.message).toBe('AbortError (b/k): Request aborted; cancelled by the caller: user pressed stop');
  const withText = new AbortController();
  withText.abort('shutting down');
  expect(toStorageError(sdkAbort(), { abortSignal: withText.signal }).message).toMatch(/cancelled by the caller: shutting down$/);
});

test('no reason given (the default AbortError), or a signal that did not fire: nothing added', () => {
  const plain = new AbortController();
  plain.abort();
  expect(toStorageError(sdkAbort(), { abortSignal: plain.signal }).message).not.toMatch(/cancelled by the caller/);
  expect(toStorageError(sdkAbort(), { abortSignal: new AbortController().signal }).message).not.toMatch(/cancelled by the caller/);
});
