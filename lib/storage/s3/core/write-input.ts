import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { CopyOptions, PutOptions } from '../../types/objects';
import { sseWriteInput } from './encryption';

/** Encodes tags as the `x-amz-tagging` query string. */
export function taggingHeader(tags: Readonly<Record<string, string>> | undefined): string | undefined {
  if (tags === undefined) return undefined;
  return new URLSearchParams(Object.entries(tags)).toString().replace(/\+/g, '%20');
}

/** The write fields PutObject, CreateMultipartUpload and CopyObject share. */
export function writeInput(options: Omit<PutOptions, 'contentLength'> | CopyOptions): Partial<PutObjectCommandInput> {
  return {
    ContentType: options.contentType,
    CacheControl: options.cacheControl,
    ContentDisposition: options.contentDisposition,
    ContentEncoding: options.contentEncoding,
    ContentLanguage: options.contentLanguage,
    Expires: options.expires,
    Metadata: options.metadata ? { ...options.metadata } : undefined,
    Tagging: taggingHeader(options.tags),
    ACL: options.acl,
    StorageClass: options.storageClass,
    ObjectLockMode: options.objectLockMode,
    ObjectLockRetainUntilDate: options.objectLockRetainUntil,
    ObjectLockLegalHoldStatus: options.objectLockLegalHold === undefined ? undefined : options.objectLockLegalHold ? 'ON' : 'OFF',
    WebsiteRedirectLocation: options.websiteRedirectLocation,
    ...sseWriteInput(options.encryption),
  };
}
