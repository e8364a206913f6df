/**
 * Where a test server's behaviour differs from Amazon S3's, as observed in this suite and recorded in
 * docs/compatibility.md. Tests assert S3's documented behaviour on targets that implement it, and the
 * observed behaviour on the others, so a change on either side fails the suite instead of passing silently.
 */
export type Difference =
  /** CopyObject ignores x-amz-copy-source-if-match / -if-none-match / -if-(un)modified-since. */
  | 'copy-source-conditions-ignored'
  /** CompleteMultipartUpload accepts a part list out of order instead of answering InvalidPartOrder. */
  | 'part-order-not-checked';

const DIFFERENCES: Readonly<Record<string, readonly Difference[]>> = {
  moto: ['copy-source-conditions-ignored', 'part-order-not-checked'],
  minio: [],
  ceph: [],
};

/** True when the current target is known to differ from S3 in this way. */
export function targetDiffers(difference: Difference, target = process.env.BUCKETKIT_TARGET ?? 'moto'): boolean {
  return (DIFFERENCES[target] ?? []).includes(difference);
}
