/** Shared plumbing of the Lambda handlers: event parsing, the error policy, logs, S3 Batch Operations, `wrap`. */
export { ValidationError, FailureResult, ErrorDisposition, dispositionOf, failureResult } from './errors';
export { EventReader, JsonObject, describe } from './event';
export { Logger, LogLevel, LOG_LEVELS, LogSink, REDACTED_FIELD, redact, SILENT } from './log';
export { InvocationContext, HandlerDeps, UNLIMITED_TIME, MAX_LAMBDA_TIMEOUT_MS, defaultStorage, resolveDeps } from './context';
export {
  BatchResultCode,
  BatchTask,
  BatchInvocation,
  BatchResponse,
  BATCH_SCHEMA_VERSIONS,
  MAX_RESULT_STRING_CHARS,
  isBatchEvent,
  parseBatchEvent,
  resultString,
} from './batch';
export { HandlerSpec, runInvocation } from './run';
export { CoreFunction, wrap } from './wrap';
