import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errors';
import type { PutBody } from '../../types/objects';

/** A body ready to send: its bytes or stream, and its length when known. */
export type PreparedBody =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'stream'; readonly stream: Readable; readonly length: number }
  | { readonly kind: 'file'; readonly filePath: string; readonly length: number }
  | { readonly kind: 'unknown-length'; readonly stream: Readable };

/** Classifies a body without consuming it. A file is only stat'ed; a missing or non-regular file throws. */
export async function prepareBody(body: PutBody, contentLength?: number): Promise<PreparedBody> {
  if (typeof body === 'string') return { kind: 'bytes', bytes: Buffer.from(body, 'utf8') };
  if (body instanceof Uint8Array) return { kind: 'bytes', bytes: body };
  if (body instanceof Readable || isNodeReadable(body)) {
    const stream = body as Readable;
    return contentLength === undefined ? { kind: 'unknown-length', stream } : { kind: 'stream', stream, length: contentLength };
  }
  if (typeof body === 'object' && body !== null && typeof (body as { filePath?: unknown }).filePath === 'string') {
    const filePath = (body as { filePath: string }).filePath;
    let info;
    try {
      info = await stat(filePath);
    } catch (cause) {
      throw new InvalidArgumentError(`body.filePath: cannot read ${filePath}: ${(cause as Error).message}`, { field: 'body.filePath', cause });
    }
    if (!info.isFile()) throw new InvalidArgumentError(`body.filePath: ${filePath} is not a regular file`, { field: 'body.filePath' });
    return { kind: 'file', filePath, length: info.size };
  }
  throw new InvalidArgumentError('body: must be a string, Buffer, Uint8Array, Readable or { filePath }', { field: 'body' });
}

/** True for a Node stream body (a `Readable`, or anything with `pipe` and `read`). */
export function isReadableBody(value: unknown): value is Readable {
  return value instanceof Readable || isNodeReadable(value);
}

function isNodeReadable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function' && typeof (value as Readable).read === 'function';
}

/** Opens a file for reading, whole or one inclusive byte range. */
export function openFileRange(filePath: string, start?: number, end?: number): Readable {
  return createReadStream(filePath, { start, end });
}

/**
 * Reads a stream until it ends or `limit` bytes are buffered. Returns the bytes read and whether the stream ended,
 * plus the live iterator for the rest.
 */
export async function readUpTo(
  stream: AsyncIterable<Uint8Array | string>,
  limit: number,
): Promise<{ head: Buffer; ended: boolean; rest: AsyncIterator<Uint8Array | string> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < limit) {
    const { value, done } = await iterator.next();
    if (done) return { head: Buffer.concat(chunks, size), ended: true, rest: iterator };
    const chunk = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    chunks.push(chunk);
    size += chunk.length;
  }
  return { head: Buffer.concat(chunks, size), ended: false, rest: iterator };
}
