/**
 * The S3-compatible providers bucketkit knows by name: the values of `compatibility: '<provider>'`, of a
 * capability report's `provider`, and of the fixed profiles. `unknown` is a store whose kind could not be told.
 * The name is only a hint for defaults; verdicts come from probes (docs/compatibility.md).
 */

/** One row of {@link PROVIDER_TABLE}. */
export interface ProviderInfo {
  /** The name used in configuration and reports, e.g. `ceph-rgw`. */
  readonly name: string;
  /** The product name. */
  readonly title: string;
  /** The provider's S3 API documentation; empty for `unknown`. */
  readonly docUrl: string;
}

/** Every provider, one row each. */
export const PROVIDER_TABLE = [
  { name: 'aws', title: 'Amazon S3', docUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/API/Welcome.html' },
  { name: 'minio', title: 'MinIO', docUrl: 'https://min.io/docs/minio/linux/reference/s3-api-compatibility.html' },
  { name: 'ceph-rgw', title: 'Ceph Object Gateway (RGW)', docUrl: 'https://docs.ceph.com/en/latest/radosgw/s3/' },
  { name: 'moto', title: 'moto (server mode, for tests)', docUrl: 'https://docs.getmoto.org/en/latest/docs/server_mode.html' },
  { name: 'r2', title: 'Cloudflare R2', docUrl: 'https://developers.cloudflare.com/r2/api/s3/api/' },
  { name: 'b2', title: 'Backblaze B2', docUrl: 'https://www.backblaze.com/docs/cloud-storage-s3-compatible-api' },
  { name: 'gcs', title: 'Google Cloud Storage (XML API interoperability)', docUrl: 'https://cloud.google.com/storage/docs/interoperability' },
  { name: 'wasabi', title: 'Wasabi', docUrl: 'https://docs.wasabi.com/docs/wasabi-api' },
  { name: 'unknown', title: 'an S3-compatible store that could not be identified', docUrl: '' },
] as const satisfies readonly ProviderInfo[];

/** A provider name: `aws`, `minio`, `ceph-rgw`, `moto`, `r2`, `b2`, `gcs`, `wasabi` or `unknown`. */
export type ProviderName = (typeof PROVIDER_TABLE)[number]['name'];

/** Every provider name, in table order (`unknown` last). */
export const PROVIDER_NAMES: readonly ProviderName[] = Object.freeze(PROVIDER_TABLE.map((row) => row.name));

/** Whether `name` is a provider name. */
export function isProviderName(name: unknown): name is ProviderName {
  return typeof name === 'string' && (PROVIDER_NAMES as readonly string[]).includes(name);
}
