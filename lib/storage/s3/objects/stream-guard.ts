/**
 * Guards for a caller's stream while bucketkit sends it. The SDK pipes a request body into the socket with
 * `pipe()`, which does not forward the source's errors: a body that fails part-way would leave the request waiting
 * for bytes that never come (and an `'error'` with no listener kills the process). Here the first failure of the
 * source is recorded from the moment bucketkit takes the stream, and it aborts the request at once.
 */
import { Readable, Transform, Writable } from 'node:stream';
import { CallerStreamError } from '../../errors';

/** Where a failure is reported: the input's name and the object it was for. */
export interface GuardTarget {
  /** The input: `body`, `body.filePath` or `source`. */
  readonly field: string;
  readonly bucket: string;
  readonly key: string;
}

/**
 * Watches a caller's stream from the moment it is taken: its first `'error'` (or a destroy before the end) is recorded
 * instead of crashing the process, and `onFailure` callbacks run once. The listener stays on the stream, so an error
 * it emits later is never unhandled either.
 */
export class StreamWatch {
  private failed?: Error;
  private ended = false;
  private readonly callbacks: ((error: Error) => void)[] = [];

  public constructor(public readonly stream: Readable) {
    stream.on('error', (error: Error) => this.fail(error));
    stream.once('end', () => {
      this.ended = true;
    });
    stream.once('close', () => {
      if (!this.ended && !this.failed) this.fail(new Error('the stream was destroyed before it ended'));
    });
    if (stream.errored) this.fail(stream.errored);
    else if (stream.destroyed && !stream.readableEnded) this.fail(new Error('the stream was destroyed before it was read'));
  }

  /** The source's first failure, if any. */
  public get failure(): Error | undefined {
    return this.failed;
  }

  /** Runs `callback` on the first failure (at once, if it already failed). */
  public onFailure(callback: (error: Error) => void): void {
    if (this.failed) callback(this.failed);
    else this.callbacks.push(callback);
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    for (const callback of this.callbacks.splice(0)) callback(error);
  }
}

/** A guarded body: what to send, the signal that aborts the request when the source fails, and the failure. */
export interface GuardedBody {
  /** The stream to hand to the SDK: the source's bytes, checked against the declared length. */
  readonly body: Readable;
  /** Fires when the source fails or the caller's own signal fires. */
  readonly signal: AbortSignal;
  /** The source's failure as a {@link CallerStreamError}, once it failed. */
  failure(): CallerStreamError | undefined;
}

/**
 * Sends `watch.stream` through a byte counter that fails when the stream ends short of `length` or runs past it, and
 * aborts the request (through `signal`) on the first failure of either. Check {@link GuardedBody.failure} when the
 * request rejects: an abort caused by the source is reported as the source's error, not as a cancellation.
 */
export function guardBody(watch: StreamWatch, length: number, target: GuardTarget, callerSignal?: AbortSignal): GuardedBody {
  const controller = new AbortController();
  let failure: CallerStreamError | undefined;
  let seen = 0;
  const lengthError = (what: string) =>
    new CallerStreamError(`contentLength: ${target.field} ${what}; contentLength declares ${length} bytes (${target.bucket}/${target.key})`, {
      field: 'contentLength',
      bucket: target.bucket,
      key: target.key,
    });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > length) callback(lengthError(`ran past the declared length (more than ${length} bytes)`));
      else callback(null, chunk);
    },
    flush(callback) {
      if (seen < length) callback(lengthError(`ended after ${seen} bytes`));
      else callback();
    },
  });
  const fail = (error: Error) => {
    if (failure) return;
    failure =
      error instanceof CallerStreamError
        ? error
        : new CallerStreamError(`${target.field} failed while it was being sent to ${target.bucket}/${target.key}: ${error.message}`, {
            field: target.field,
            cause: error,
            bucket: target.bucket,
            key: target.key,
          });
    controller.abort(failure);
    counter.destroy();
  };
  counter.on('error', (error: Error) => fail(error));
  watch.onFailure((error) => fail(error));
  watch.stream.pipe(counter);
  const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
  return { body: counter, signal, failure: () => failure };
}

/**
 * Puts a listener on a caller's stream (a put body or upload source, a download destination) before the code that
 * will use it is ready (an engine still loading, a profile being probed, a HEAD in flight), so an `'error'` it emits
 * meanwhile is kept rather than crashing the process. Nothing is lost: a Readable's error rejects whoever iterates
 * it next, and a Writable keeps it in `writable.errored`, which the download checks.
 */
export function watchIfStream(stream: unknown): void {
  if (stream instanceof Readable) new StreamWatch(stream);
  else if (stream instanceof Writable) stream.on('error', () => undefined);
}
