import { restoreTiersFor, storageClassInfo, type RestoreTier } from './storage-classes';

// Restore rules as pure functions: the `x-amz-restore` parser, the state of an object, the expiry S3 gives a restored
// copy, and the checks a RestoreObject request must pass before it is sent.
// Sources:
// - x-amz-restore: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html#AmazonS3-HeadObject-response-header-Restore
// - x-amz-archive-status: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html#AmazonS3-HeadObject-response-header-ArchiveStatus
// - RestoreObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
// - tiers and expiry: https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html

/** Every RestoreObject tier, in S3's spelling. */
export const RESTORE_TIERS: readonly RestoreTier[] = Object.freeze(['Expedited', 'Standard', 'Bulk']);

/** The tier RestoreObject uses when the request names none: `Standard`. */
export const DEFAULT_RESTORE_TIER: RestoreTier = 'Standard';

/** Milliseconds in a day (86,400,000). */
const DAY_MS = 86_400_000;

/**
 * Where an object stands with respect to restores:
 * - `not-archived`: readable with GET (any class but GLACIER and DEEP_ARCHIVE, and Intelligent-Tiering outside its
 *   archive access tiers);
 * - `archived`: needs RestoreObject before GET, and none is running;
 * - `in-progress`: a restore is running (`ongoing-request="true"`);
 * - `restored`: a temporary copy (GLACIER, DEEP_ARCHIVE) is readable until `expiresAt`.
 */
export type RestoreState = 'not-archived' | 'archived' | 'in-progress' | 'restored';

/** `x-amz-restore`, parsed. */
export interface RestoreHeader {
  /** `ongoing-request="true"`: a restore is running. */
  readonly ongoing: boolean;
  /** `expiry-date`: when the restored copy is removed; absent while the restore runs. */
  readonly expiresAt?: Date;
}

/**
 * Parses the `x-amz-restore` header of HeadObject or GetObject: `ongoing-request="true"` while a restore runs,
 * `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"` once it is done. Tolerant of what proxies and
 * other stores do to it: any letter case in the names, spaces around `=` and `,`, single quotes or no quotes, and
 * an ISO 8601 expiry instead of RFC 1123.
 *
 * @param header - the raw header value (`HeadObjectOutput.Restore` in SDK v3), or undefined.
 * @returns undefined when the header is absent, empty, or names no `ongoing-request` (no restore was ever asked for).
 *   An unparseable expiry date is left out rather than returned as an invalid Date.
 */
export function parseRestoreHeader(header: string | undefined | null): RestoreHeader | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const fields = new Map<string, string>();
  // name = "value" | 'value' | value-up-to-the-next-comma-that-starts-a-field
  const pattern = /([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|((?:[^,]|,(?!\s*[a-z-]+\s*=))*))/gi;
  for (const match of header.matchAll(pattern)) {
    fields.set(match[1].toLowerCase(), (match[2] ?? match[3] ?? match[4] ?? '').trim());
  }
  const ongoing = fields.get('ongoing-request')?.toLowerCase();
  if (ongoing !== 'true' && ongoing !== 'false') return undefined;
  const expiry = fields.get('expiry-date');
  const date = expiry ? new Date(expiry) : undefined;
  return { ongoing: ongoing === 'true', expiresAt: date && !Number.isNaN(date.getTime()) ? date : undefined };
}

/** What {@link restoreStateOf} reads: HEAD's storage class, `x-amz-restore` and `x-amz-archive-status`. */
export interface RestoreStateInput {
  /** `x-amz-storage-class`; absent on HEAD means STANDARD. */
  readonly storageClass?: string;
  /** The raw `x-amz-restore` header. */
  readonly restore?: string;
  /** `x-amz-archive-status`: `ARCHIVE_ACCESS` or `DEEP_ARCHIVE_ACCESS` for Intelligent-Tiering objects in an archive tier. */
  readonly archiveStatus?: string;
  /** The time to compare the expiry with. @default new Date() */
  readonly now?: Date;
}

/** Whether the object is an Intelligent-Tiering object in one of its archive access tiers. */
export function isIntelligentTieringArchived(storageClass: string | undefined, archiveStatus: string | undefined): boolean {
  return storageClass === 'INTELLIGENT_TIERING' && (archiveStatus === 'ARCHIVE_ACCESS' || archiveStatus === 'DEEP_ARCHIVE_ACCESS');
}

/**
 * The {@link RestoreState} of an object from its HEAD headers. A restored GLACIER or DEEP_ARCHIVE object keeps its
 * class, so the class alone never says `restored`: `x-amz-restore` does. An expiry in the past reads as `archived`.
 * An Intelligent-Tiering object is `archived` while `x-amz-archive-status` names an archive tier (a restore moves it
 * back to Frequent Access, and the header goes away).
 */
export function restoreStateOf(input: RestoreStateInput): RestoreState {
  const storageClass = input.storageClass ?? 'STANDARD';
  const header = parseRestoreHeader(input.restore);
  const itArchived = isIntelligentTieringArchived(storageClass, input.archiveStatus);
  if (!itArchived && storageClassInfo(storageClass)?.archive !== true) return 'not-archived';
  if (header?.ongoing) return 'in-progress';
  if (header && !itArchived) {
    const now = input.now ?? new Date();
    if (header.expiresAt === undefined || header.expiresAt.getTime() > now.getTime()) return 'restored';
  }
  return 'archived';
}

/**
 * The expiry S3 gives a restored copy: the request time plus `days`, rounded **up** to the next midnight UTC. The
 * User Guide's example: restored on 15 October at 10:30 UTC for 3 days, available until 19 October 00:00 UTC.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
 *
 * @param requestedAt - when RestoreObject was sent (or last extended).
 * @param days - the `Days` of the request, a whole number of 1 or more.
 */
export function restoreExpiryFor(requestedAt: Date, days: number): Date {
  const end = requestedAt.getTime() + days * DAY_MS;
  return new Date(Math.floor(end / DAY_MS) * DAY_MS + DAY_MS);
}

/** One problem with a restore request: the option it is about, and what is wrong. */
export interface RestoreRequestProblem {
  /** The option's name, e.g. `days` or `tier`. */
  readonly field: string;
  /** What is wrong, with the value received. */
  readonly message: string;
}

/** What {@link checkRestoreRequest} checks. */
export interface RestoreRequestInput {
  /** The object's class from HEAD; undefined when not known yet (only the shape of `days` and `tier` is checked). */
  readonly storageClass?: string;
  /** `x-amz-archive-status` from HEAD. */
  readonly archiveStatus?: string;
  /** `Days`: how long the restored copy stays, in days. */
  readonly days?: unknown;
  /** `GlacierJobParameters.Tier`. */
  readonly tier?: unknown;
}

/**
 * Checks a RestoreObject request and returns every problem (empty when it may be sent):
 * - `days` is a whole number of 1 or more; it is required for GLACIER and DEEP_ARCHIVE and must be left out for
 *   Intelligent-Tiering objects in an archive access tier (those move back to Frequent Access, with no temporary copy);
 * - `tier` is `Expedited`, `Standard` or `Bulk`, and one the class offers (DEEP_ARCHIVE and Deep Archive Access have no
 *   Expedited).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
 */
export function checkRestoreRequest(input: RestoreRequestInput): RestoreRequestProblem[] {
  const problems: RestoreRequestProblem[] = [];
  const { days, tier, storageClass, archiveStatus } = input;
  if (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days < 1)) {
    problems.push({ field: 'days', message: `must be a whole number of days, 1 or more (got ${String(days)})` });
  }
  if (tier !== undefined && !RESTORE_TIERS.includes(tier as RestoreTier)) {
    problems.push({ field: 'tier', message: `must be one of ${RESTORE_TIERS.join(', ')} (got ${String(tier)})` });
  }
  if (storageClass === undefined) return problems;
  const itArchived = isIntelligentTieringArchived(storageClass, archiveStatus);
  const tiers = restoreTiersFor(storageClass, archiveStatus);
  if (itArchived && days !== undefined) {
    problems.push({
      field: 'days',
      message: `must be left out for an INTELLIGENT_TIERING object in ${archiveStatus}: it moves back to Frequent Access, with no temporary copy`,
    });
  }
  if (!itArchived && storageClassInfo(storageClass)?.archive === true && days === undefined) {
    problems.push({ field: 'days', message: `is required to restore a ${storageClass} object (how long the temporary copy stays)` });
  }
  if (tiers.length > 0 && RESTORE_TIERS.includes(tier as RestoreTier) && !tiers.includes(tier as RestoreTier)) {
    const where = itArchived ? `INTELLIGENT_TIERING ${archiveStatus}` : storageClass;
    problems.push({ field: 'tier', message: `${String(tier)} is not offered for ${where}; use ${tiers.join(' or ')}` });
  }
  return problems;
}
