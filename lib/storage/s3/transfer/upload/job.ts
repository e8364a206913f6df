/** The state of one multipart upload in progress, shared by its plan, parts and complete steps. */
import type { ChecksumAlgorithmName } from '../../../../rules/checksums';
import type { PartChecksum, UploadOptions, UploadState, UploadStateStore, UploadedPart } from '../../../types/transfer';
import { checksumTypeOf, etagIsMd5Based, flexibleOf, resolvePartChecksum } from '../shared/checksums';
import type { S3Context } from '../../core/context';
import { CUSTOMER_KEY_ID_METADATA, customerKeyInput, customerKeyOf } from '../../core/encryption';
import { PartLayout } from '../shared/part-size';
import { DEFAULT_MAX_PART_ATTEMPTS, DEFAULT_RETRY_BASE_DELAY_MS } from '../shared/control';
import { JsonFileUploadStateStore, STATE_SAVE_INTERVAL_MS, UPLOAD_STATE_SUFFIX } from '../shared/state';
import { SourceReader } from '../shared/source';
import type { ListedPart } from '../shared/uploads-admin';
import { inFlightLimit } from '../../core/concurrency';

/** A part that is uploaded, with the checksum algorithm it was sent with. */
export type CompletedPart = UploadedPart & { readonly checksumAlgorithm?: PartChecksum };

/** Where a multipart upload stands: its id, part layout and the parts already done. */
export interface Plan {
  readonly uploadId: string;
  readonly layout: PartLayout;
  readonly layoutKind: 'fixed' | 'growing';
  readonly partSizeBytes: number;
  readonly createdAt: string;
  /** Parts confirmed uploaded (by the state and ListParts): never sent again. */
  readonly done: Map<number, CompletedPart>;
  /**
   * Parts ListParts shows that the state does not vouch for: kept if the source's bytes hash to their ETag (an MD5),
   * or to the flexible checksum the store lists for them in the algorithm the parts carry.
   */
  readonly candidates: Map<number, ListedPart>;
}

/** The parts done so far, in part-number order. */
export function partsOf(plan: Plan): CompletedPart[] {
  return [...plan.done.values()].sort((a, b) => a.partNumber - b.partNumber);
}

/** The `x-amz-server-side-encryption` value an upload's encryption option asks for (none for SSE-C). */
export function sseTypeOf(options: UploadOptions): string | undefined {
  switch (options.encryption?.type) {
    case undefined:
      return undefined;
    case 'SSE-S3':
      return 'AES256';
    case 'SSE-KMS':
      return 'aws:kms';
    case 'DSSE-KMS':
      return 'aws:kms:dsse';
    case 'SSE-C':
      return undefined;
  }
}

/** One multipart upload in progress: what it sends, where its state goes, and its counters. */
export class UploadJob {
  // The part checks below are settled before any part is sent: at construction, or by adoptPartChecksum() when the
  // store confirmed CRC32 on CreateMultipartUpload (see negotiatesChecksum) or a resumed upload began with another.
  public partChecksum: PartChecksum;
  /** The flexible checksum every part carries (`x-amz-checksum-*`), when there is one. */
  public flexible?: ChecksumAlgorithmName;
  /** The multipart checksum type declared on CreateMultipartUpload with {@link flexible}. */
  public checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
  /** Parts carry `Content-MD5`. */
  public sendsContentMd5 = false;
  /**
   * Each part's MD5 is computed: for Content-MD5, for the multipart ETag check, and so that a resume can prove a kept
   * part holds the same bytes (a part with a composite flexible checksum is proven by that checksum instead).
   */
  public hashesMd5 = false;
  /**
   * The part check is a default on an endpoint other than Amazon S3's, and is CRC32 only if the store proves on
   * CreateMultipartUpload that it checks CRC32, else Content-MD5 (checksum-negotiation.ts), whatever the checksum
   * policy (a `compatibility: 'auto'` profile gives moto `WHEN_SUPPORTED`, and moto takes any CRC32). False once
   * settled, and whenever the caller chose `partChecksum` or `checksumAlgorithm`, on Amazon S3 (which checks CRC32),
   * or when the compatibility profile says the store has no flexible checksums.
   */
  public negotiatesChecksum: boolean;
  public readonly sseC: ReturnType<typeof customerKeyInput>;
  public readonly md5Based: boolean;
  public readonly store?: UploadStateStore;
  public readonly concurrency: number;
  public saveChain: Promise<unknown> = Promise.resolve();
  /** Parts found uploaded already and not sent again. */
  public resumed = 0;
  /** The part whose failure stopped the upload. */
  public failedPartNumber?: number;
  private lastSave = 0;

  public constructor(
    public readonly ctx: S3Context,
    public readonly key: string,
    public readonly reader: SourceReader,
    public readonly options: UploadOptions,
    public first: { data: Buffer; ended: boolean } | undefined,
    noFlexibleChecksums = false,
  ) {
    // The declared checksumAlgorithm when there is one; else CRC32 where the store takes flexible checksums (cheap,
    // and the composite checksum verifies the object); Content-MD5, which every S3-compatible store checks, elsewhere.
    const resolved = resolvePartChecksum(options, ctx.config.checksumPolicy);
    this.partChecksum = resolved.partChecksum;
    this.adoptPartChecksum(resolved.partChecksum, resolved.contentMd5);
    this.negotiatesChecksum =
      options.partChecksum === undefined && options.checksumAlgorithm === undefined && ctx.config.otherThanAmazonS3 && !noFlexibleChecksums;
    this.sseC = customerKeyInput(customerKeyOf(options.encryption));
    this.md5Based = etagIsMd5Based(sseTypeOf(options), this.sseC.SSECustomerAlgorithm);
    this.store = options.stateStore ?? (reader.filePath !== undefined ? new JsonFileUploadStateStore(reader.filePath + UPLOAD_STATE_SUFFIX) : undefined);
    this.concurrency = inFlightLimit(options.concurrency, ctx.config);
  }

  /**
   * Sets the part check every part of this upload is sent with (and ends the negotiation). `contentMd5`: parts also
   * carry Content-MD5 (`partChecksum: 'MD5'`, or MD5 on top of a declared `checksumAlgorithm`).
   */
  public adoptPartChecksum(partChecksum: PartChecksum, contentMd5 = partChecksum === 'MD5'): void {
    this.partChecksum = partChecksum;
    this.flexible = flexibleOf(partChecksum);
    this.checksumType = checksumTypeOf(this.flexible);
    this.sendsContentMd5 = contentMd5;
    this.hashesMd5 = this.sendsContentMd5 || this.checksumType !== 'COMPOSITE';
    this.negotiatesChecksum = false;
  }

  public get fingerprint(): UploadState['source'] {
    return { ...this.reader.fingerprint, id: this.options.sourceId };
  }

  public retryOptions(signal: AbortSignal | undefined) {
    return {
      maxAttempts: this.options.maxPartAttempts ?? DEFAULT_MAX_PART_ATTEMPTS,
      baseDelayMs: this.options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
      signal,
    };
  }

  /**
   * Saves the state: at once when `force`d, else at most every {@link STATE_SAVE_INTERVAL_MS} (a part missing from
   * the state is still found by ListParts on resume and checked against the source's bytes).
   */
  public saveState(plan: Plan, force = false): Promise<void> {
    const store = this.store;
    if (!store) return Promise.resolve();
    const now = Date.now();
    if (!force && now - this.lastSave < STATE_SAVE_INTERVAL_MS) return Promise.resolve();
    this.lastSave = now;
    const state: UploadState = {
      version: 1,
      bucket: this.ctx.bucket,
      key: this.key,
      uploadId: plan.uploadId,
      partSizeBytes: plan.partSizeBytes,
      layout: plan.layoutKind,
      partChecksum: this.partChecksum,
      source: this.fingerprint,
      parts: partsOf(plan),
      createdAt: plan.createdAt,
      // SSE-C: the key id and the key's MD5 only, never the key.
      customerKeyId: this.sseC.SSECustomerKeyMD5 === undefined ? undefined : this.options.metadata?.[CUSTOMER_KEY_ID_METADATA],
      customerKeyMd5: this.sseC.SSECustomerKeyMD5,
    };
    const next = this.saveChain.catch(() => undefined).then(() => store.save(state));
    this.saveChain = next;
    return next;
  }
}
