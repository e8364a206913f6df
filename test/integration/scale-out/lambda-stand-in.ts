/**
 * A local Lambda stand-in for Step Functions tests on moto: it answers the Invoke requests moto's interpreter sends
 * (through SfnMoto's proxy) by running the real handler entry point (`handler = wrap(core)`, the bundle's
 * `index.handler`) in this process, and answers as Lambda does: 200 with the result, or 200 with
 * `X-Amz-Function-Error: Unhandled` and `{ errorType, errorMessage }` when the handler throws.
 *
 * Why not moto's Lambda: without a Docker engine it runs no code (docs/scale-out.md). Why not the Runtime Interface
 * Emulator: it runs one invocation at a time, and a Distributed Map invokes its children concurrently.
 */
import type { InjectedResponse } from './sfn-moto';

/** A Lambda entry point: `(event, context) => result`. */
export type LambdaEntry = (event: unknown, context: { awsRequestId: string; functionName: string; getRemainingTimeInMillis(): number }) => Promise<unknown>;

/** One invocation the stand-in ran. */
export interface StandInInvocation {
  readonly functionName: string;
  readonly payload: Record<string, unknown>;
}

/** A stand-in for the function(s) named `functionName` (any name containing it). */
export class LambdaStandIn {
  /** Every invocation, in arrival order. */
  public readonly invocations: StandInInvocation[] = [];
  /** Runs before the handler; a response it returns is sent instead (an injected Lambda service error). */
  public before?: (invocation: StandInInvocation, index: number) => Promise<InjectedResponse | undefined> | InjectedResponse | undefined;
  private count = 0;

  public constructor(private readonly entry: LambdaEntry) {}

  /** The invocations whose payload has this `action`. */
  public withAction(action: string): StandInInvocation[] {
    return this.invocations.filter((i) => i.payload.action === action);
  }

  /** For `SfnMoto.lambda`. */
  public readonly invoke = async (functionName: string, payload: unknown): Promise<InjectedResponse> => {
    const invocation = { functionName, payload: payload as Record<string, unknown> };
    this.invocations.push(invocation);
    const index = this.count++;
    const injected = await this.before?.(invocation, index);
    if (injected) return injected;
    const context = { awsRequestId: `stand-in-${index}`, functionName, getRemainingTimeInMillis: () => 900_000 };
    try {
      const result = await this.entry(payload, context);
      return { status: 200, body: JSON.stringify(result ?? null), headers: { 'x-amz-executed-version': '$LATEST' } };
    } catch (error) {
      const e = error as Error;
      return {
        status: 200,
        body: JSON.stringify({ errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(error) }),
        headers: { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
      };
    }
  };
}

/** A Lambda service error (e.g. 429 TooManyRequestsException), as the Lambda API answers Invoke. */
export function lambdaServiceError(status: number, code: string, message = code): InjectedResponse {
  return { status, body: JSON.stringify({ Type: 'User', message }), headers: { 'x-amzn-errortype': code, 'x-amzn-requestid': 'stand-in-service-error' } };
}
