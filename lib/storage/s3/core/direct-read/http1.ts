/** HTTP/1.1 heads for direct reads (core/direct-read/receive.ts): the request head written, the response head parsed. */
import type { HeaderBag, HttpRequest, QueryParameterBag } from '@smithy/types';

/** Request targets and header fields that can be written as they are (no CR, LF or other control characters). */
const PLAIN_FIELD = /^[\t\x20-\x7e\x80-\xff]*$/;
/** An RFC 9110 token: a header name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The parsed head of an answer: the status code, and the headers with lower-case names. */
export interface ResponseHead {
  readonly statusCode: number;
  readonly headers: HeaderBag;
}

/**
 * Parses `HTTP/1.1 206 Partial Content` and its header lines; undefined when the head is not plain HTTP/1.1 (an
 * HTTP/1.0 answer, whose connection is not kept, goes to the SDK's handler too).
 */
export function parseResponseHead(text: string): ResponseHead | undefined {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (status === null) return undefined;
  const headers: HeaderBag = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name)) return undefined;
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { statusCode: Number(status[1]), headers };
}

/** `encodeURIComponent`, and `!'()*` too: the escaping of the SDK's query strings (RFC 3986 unreserved only). */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The query string as the SDK's `NodeHttpHandler` writes it (`buildQueryString` of @smithy/core): keys sorted, each
 * key and value escaped, a list as repeated keys, a null value as the bare key.
 */
export function queryString(query: QueryParameterBag): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    const name = escapeUri(key);
    if (Array.isArray(value)) for (const item of value) parts.push(`${name}=${escapeUri(item)}`);
    else parts.push(typeof value === 'string' ? `${name}=${escapeUri(value)}` : name);
  }
  return parts.join('&');
}

/** The request line and headers as written on the wire, or undefined when a field cannot be written as is. */
export function requestHead(request: HttpRequest): string | undefined {
  const query = queryString(request.query ?? {});
  const target = `${request.path}${query ? `?${query}` : ''}`;
  if (!target.startsWith('/') || /[\s]/.test(target) || !PLAIN_FIELD.test(target)) return undefined;
  let head = `${request.method} ${target} HTTP/1.1\r\n`;
  let host = false;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (!TOKEN.test(name) || !PLAIN_FIELD.test(value)) return undefined;
    if (name.toLowerCase() === 'host') host = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!host) head += `host: ${request.hostname}${request.port ? `:${request.port}` : ''}\r\n`;
  return `${head}\r\n`;
}
