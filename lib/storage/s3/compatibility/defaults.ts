/** Default time limit of each capability probe, in ms. */
export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;
