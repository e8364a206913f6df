/** The transfer Lambda handler: `handler = wrap(transfer)`. See core.ts. */
import { wrap } from '../shared';
import { transfer } from './core';

export { transfer, TransferResult, TransferSucceeded, TransferInProgress, TransferTooLong, TransferProgress } from './core';
export { TransferEvent, TransferContinuation, parseTransferEvent, DEFAULT_MIN_REMAINING_TIME_MS, DEFAULT_TRANSFER_CONCURRENCY } from './event';
export { STAGED_COPY_ACTIONS, StagedCopyAction, StagedCopyEvent, StagedCopyRecord, parseStagedCopyEvent } from './staged-event';
export { StagedCopyResult } from './staged';

/** The Lambda entry point (`index.handler`). */
export const handler = wrap('transfer', transfer);
