/** The restore Lambda handler: `handler = wrap(restore)`. See core.ts. */
import { wrap } from '../shared';
import { restore } from './core';

export { restore, RestoreHandlerResult, RestoreItem, MAX_REPORTED_ITEMS } from './core';
export { RestoreEvent, parseRestoreEvent, MAX_RESTORE_KEYS, DEFAULT_RESTORE_CONCURRENCY } from './event';

/** The Lambda entry point (`index.handler`). */
export const handler = wrap('restore', restore);
