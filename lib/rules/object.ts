import { MAX_KEY_LENGTH_BYTES, MAX_OBJECT_TAGS, MAX_TAG_KEY_LENGTH_CHARS, MAX_TAG_VALUE_LENGTH_CHARS, MAX_USER_METADATA_BYTES } from './limits';
import { RuleId } from './catalog';
import { RuleProblem, ruleProblem } from './problem';

const ENCODER = new TextEncoder();
const utf8Length = (s: string): number => ENCODER.encode(s).length;
const error = (ruleId: RuleId, message: string, value: unknown, fix: string): RuleProblem => ruleProblem(ruleId, message, value, fix);

/**
 * Object key rules: 1 to 1,024 bytes of UTF-8, and well-formed UTF-16 (a lone surrogate cannot be encoded).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 */
export function checkObjectKey(key: string): RuleProblem[] {
  if (typeof key !== 'string') return [error('S3-KEY-TYPE', 'Object key must be a string', typeof key, 'pass the key as a string')];
  const problems: RuleProblem[] = [];
  if (key.length === 0) problems.push(error('S3-KEY-EMPTY', 'Object key must not be empty', key, 'use a key of at least one character'));
  const bytes = utf8Length(key);
  if (bytes > MAX_KEY_LENGTH_BYTES) {
    problems.push(
      error('S3-KEY-LENGTH', `Object key is ${bytes} UTF-8 bytes; S3 allows at most ${MAX_KEY_LENGTH_BYTES}`, `${key.slice(0, 40)}...`, 'shorten the key'),
    );
  }
  if (!key.isWellFormed()) {
    problems.push(error('S3-KEY-UTF8', 'Object key contains a lone UTF-16 surrogate, which has no UTF-8 encoding', undefined, 'remove the unpaired surrogate'));
  }
  return problems;
}

/** HTTP token characters, the only ones a header name (x-amz-meta-<name>) may hold. RFC 9110 section 5.6.2. */
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII plus space and tab: what a header value can carry as-is. */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * User-defined metadata rules: at most 2 KB of UTF-8 over all names and values, names that are HTTP tokens,
 * values that are printable US-ASCII (S3 sends anything else back RFC 2047-encoded).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
 */
export function checkUserMetadata(metadata: Readonly<Record<string, string>>): RuleProblem[] {
  const problems: RuleProblem[] = [];
  let total = 0;
  for (const [name, value] of Object.entries(metadata ?? {})) {
    total += utf8Length(name) + (typeof value === 'string' ? utf8Length(value) : 0);
    if (!HEADER_TOKEN.test(name)) {
      problems.push(error('S3-METADATA-NAME', `Metadata name "${name}" is not a valid HTTP header token`, name, 'use letters, digits and - _ . only'));
    }
    if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      problems.push(
        error(
          'S3-METADATA-VALUE',
          `Metadata value for "${name}" must be printable US-ASCII text`,
          name,
          'encode non-ASCII values first, e.g. with encodeURIComponent',
        ),
      );
    }
  }
  if (total > MAX_USER_METADATA_BYTES) {
    problems.push(
      error(
        'S3-METADATA-SIZE',
        `User metadata is ${total} bytes; S3 allows at most ${MAX_USER_METADATA_BYTES}`,
        total,
        'store large values in the object or a tag instead',
      ),
    );
  }
  return problems;
}

/** Characters S3 allows in tag keys and values: letters, numbers, spaces, and + - = . _ : / @ */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Object tag rules: at most 10 tags, keys 1..128 characters, values 0..256, a limited character set,
 * no `aws:` prefix.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
 */
export function checkObjectTags(tags: Readonly<Record<string, string>>): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const entries = Object.entries(tags ?? {});
  if (entries.length > MAX_OBJECT_TAGS) {
    problems.push(error('S3-TAGS-COUNT', `An object takes at most ${MAX_OBJECT_TAGS} tags, not ${entries.length}`, entries.length, 'drop or merge tags'));
  }
  for (const [key, value] of entries) {
    const keyChars = [...key].length;
    if (keyChars < 1 || keyChars > MAX_TAG_KEY_LENGTH_CHARS) {
      problems.push(error('S3-TAG-KEY-LENGTH', `Tag key must be 1 to ${MAX_TAG_KEY_LENGTH_CHARS} characters`, key, 'shorten the tag key'));
    }
    if (typeof value !== 'string' || [...value].length > MAX_TAG_VALUE_LENGTH_CHARS) {
      problems.push(
        error(
          'S3-TAG-VALUE-LENGTH',
          `Tag value for "${key}" must be a string of at most ${MAX_TAG_VALUE_LENGTH_CHARS} characters`,
          key,
          'shorten the tag value',
        ),
      );
    }
    if (!TAG_CHARS.test(key) || (typeof value === 'string' && !TAG_CHARS.test(value))) {
      problems.push(error('S3-TAG-CHARS', `Tag "${key}" uses characters S3 does not allow`, key, 'use letters, numbers, spaces and + - = . _ : / @ only'));
    }
    if (key.toLowerCase().startsWith('aws:')) {
      problems.push(error('S3-TAG-AWS-PREFIX', 'Tag keys must not start with the reserved prefix "aws:"', key, 'rename the tag key'));
    }
  }
  return problems;
}
