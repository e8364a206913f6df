/** The probe Lambda handler: `handler = wrap(probe)`. See core.ts. */
import { wrap } from '../shared';
import { probe } from './core';

export { probe, parseProbeEvent, ProbeEvent, ProbeResult, MAX_PROBE_TIMEOUT_MS } from './core';

/** The Lambda entry point (`index.handler`). */
export const handler = wrap('probe', probe);
