/**
 * Answers CloudFormation: a PUT of the JSON response to the event's pre-signed `ResponseURL`. Until that PUT
 * arrives, CloudFormation waits (up to an hour) for the resource, so the handler answers on every path, failures
 * and timeouts included. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 *
 * The URL carries a signature: it is never logged or put in an error message.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ResponseTarget } from './event';

/** CloudFormation refuses a response body over 4096 bytes; the reason is cut to fit. */
export const MAX_RESPONSE_BYTES = 4096;
/** How long one PUT of the response may take, ms. */
export const RESPONSE_TIMEOUT_MS = 5_000;
/** PUT attempts before giving up (network errors and 5xx only). */
export const RESPONSE_ATTEMPTS = 3;

/** The response body. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Readonly<Record<string, string>>;
}

/** The body for `target`, with the reason cut so the whole body stays within {@link MAX_RESPONSE_BYTES}. */
export function responseBody(
  target: ResponseTarget,
  status: CustomResourceResponse['Status'],
  physicalResourceId: string,
  reason?: string,
  data?: Record<string, string>,
): CustomResourceResponse {
  const base: CustomResourceResponse = {
    Status: status,
    PhysicalResourceId: physicalResourceId,
    StackId: target.stackId,
    RequestId: target.requestId,
    LogicalResourceId: target.logicalResourceId,
    ...(data ? { Data: data } : {}),
  };
  if (reason === undefined) return base;
  const size = (text: string) => Buffer.byteLength(JSON.stringify({ ...base, Reason: text }));
  if (size(reason) <= MAX_RESPONSE_BYTES) return { ...base, Reason: reason };
  let cut = reason;
  while (cut.length > 0 && size(`${cut}...`) > MAX_RESPONSE_BYTES) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return { ...base, Reason: `${cut}...` };
}

/** Why a response URL is refused (never the URL itself). */
function refuse(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
  if (url.protocol === 'http:' && loopback) return undefined;
  return `ResponseURL must be https (http only on loopback), got a ${url.protocol} URL`;
}

/**
 * PUTs the response, retrying network errors and 5xx answers; Content-Type is empty, as the pre-signed URL expects.
 * @throws Error (without the URL) when every attempt failed, or the URL is not https (http on loopback only)
 */
export async function sendResponse(responseUrl: string, body: CustomResourceResponse, timeoutMs = RESPONSE_TIMEOUT_MS): Promise<void> {
  const url = new URL(responseUrl);
  const refused = refuse(url);
  if (refused) throw new Error(refused);
  const payload = JSON.stringify(body);
  let last: unknown;
  for (let attempt = 1; attempt <= RESPONSE_ATTEMPTS; attempt++) {
    try {
      const status = await put(url, payload, timeoutMs);
      if (status >= 200 && status < 300) return;
      last = new Error(`CloudFormation's response URL answered HTTP ${status}`);
      if (status < 500) break;
    } catch (error) {
      last = error;
    }
  }
  throw new Error(`could not send the response to CloudFormation after ${RESPONSE_ATTEMPTS} attempts: ${last instanceof Error ? last.message : String(last)}`);
}

function put(url: URL, payload: string, timeoutMs: number): Promise<number> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(payload) }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from the response URL within ${timeoutMs} ms`)));
    // Errors name the host at most: the path and query (the signature) stay out of messages.
    req.on('error', (error) => reject(new Error(`PUT to the response URL on ${url.host} failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
    req.end(payload);
  });
}
