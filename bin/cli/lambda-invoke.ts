/**
 * Synchronous Lambda invokes from the CLI, safe for long functions.
 *
 * A client-side timeout or retry re-runs a long function: the AWS CLI's 60 s read timeout did exactly that
 * (aws-cli #2657, #5904). So the client makes one attempt (`maxAttempts: 1`) and waits on an idle socket longer than
 * Lambda's 900 s maximum timeout, over a keep-alive agent.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 *
 * A function error is recognised from the payload as well as from `FunctionError`: the Lambda Runtime Interface
 * Emulator never sets `X-Amz-Function-Error`, while real Lambda does.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Lambda's longest function timeout: 900 s. */
export const MAX_FUNCTION_TIMEOUT_MS = 900_000;
/** How long the CLI waits on a silent socket: above {@link MAX_FUNCTION_TIMEOUT_MS}, so a running function is never cut off. */
export const INVOKE_SOCKET_TIMEOUT_MS = 960_000;
/** Time allowed to open the connection. */
export const INVOKE_CONNECTION_TIMEOUT_MS = 10_000;

/** Options of {@link createLambdaClient}. */
export interface LambdaClientOptions {
  /** @default - the SDK's chain (AWS_REGION, the profile) */
  readonly region?: string;
  /** A custom endpoint, e.g. the emulator's. @default - AWS_ENDPOINT_URL_LAMBDA, else Lambda's own */
  readonly endpoint?: string;
}

/** A Lambda client for long synchronous invokes: one attempt, a socket timeout above 900 s, keep-alive. */
export function createLambdaClient(options: LambdaClientOptions = {}): LambdaClient {
  const agentOptions = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 4 };
  return new LambdaClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: INVOKE_CONNECTION_TIMEOUT_MS,
      socketTimeout: INVOKE_SOCKET_TIMEOUT_MS,
      requestTimeout: INVOKE_SOCKET_TIMEOUT_MS,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
}

/** A function that ran and failed: its `errorType` and `errorMessage` (or Lambda's timeout message). */
export class FunctionError extends Error {
  public constructor(
    public readonly errorType: string,
    message: string,
    public readonly payload: unknown,
  ) {
    super(`${errorType}: ${message}`);
    this.name = 'FunctionError';
  }
}

/** The parsed payload of a function error, or undefined when the payload is a normal result. */
export function functionErrorOf(functionError: string | undefined, text: string): FunctionError | undefined {
  const timedOut = /^"?Task timed out after [\d.]+ seconds"?$/.test(text.trim());
  if (timedOut) return new FunctionError('Sandbox.Timedout', text.trim().replace(/^"|"$/g, ''), text);
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    return functionError ? new FunctionError(functionError, text.slice(0, 500), text) : undefined;
  }
  const p = parsed as { errorType?: unknown; errorMessage?: unknown; status?: unknown } | undefined;
  // A handler's own failure result ({ status: 'Failed', errorType, errorMessage }) is a result, not a function error.
  const isResult = typeof p === 'object' && p !== null && 'status' in p;
  const looksLikeError =
    typeof p === 'object' && p !== null && !isResult && typeof p.errorMessage === 'string' && (typeof p.errorType === 'string' || functionError !== undefined);
  if (looksLikeError) return new FunctionError(typeof p.errorType === 'string' ? p.errorType : (functionError ?? 'Error'), p.errorMessage as string, parsed);
  if (functionError) return new FunctionError(functionError, text.slice(0, 500), parsed);
  return undefined;
}

/** One synchronous invoke; resolves to the parsed payload. @throws FunctionError for a function error */
export async function invokeOnce(client: LambdaClient, functionName: string, payload: unknown, qualifier?: string): Promise<unknown> {
  const out = await client.send(
    new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  const error = functionErrorOf(out.FunctionError, text);
  if (error) throw error;
  return text.length > 0 ? JSON.parse(text) : null;
}
