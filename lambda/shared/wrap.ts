/**
 * `export const handler = wrap(NAME, core)`: the Lambda entry point around a core function. It binds the logger to
 * the request id and passes Lambda's context; everything else (parsing, the error policy, Batch Operations) is in the
 * core, which tests call directly with their own deps.
 */
import type { HandlerDeps, InvocationContext } from './context';
import { Logger } from './log';

/** A core function: the handler's logic, callable without Lambda. */
export type CoreFunction<R> = (event: unknown, deps: HandlerDeps) => Promise<R>;

/** The Lambda handler for `core`. */
export function wrap<R>(name: string, core: CoreFunction<R>): (event: unknown, context: InvocationContext) => Promise<R> {
  return async (event, context) => {
    const log = new Logger({ requestId: context.awsRequestId, function: context.functionName ?? name, handler: name });
    log.info('invoked', { remainingTimeMs: context.getRemainingTimeInMillis() });
    return core(event, { context, log });
  };
}
