export { RuleProblem, formatProblems } from './problem';
export { BucketNameCheckOptions, checkBucketName } from './bucket-name';
export { checkObjectKey, checkUserMetadata, checkObjectTags } from './object';
export {
  KIB,
  MIB,
  GIB,
  TIB,
  MAX_KEY_LENGTH_BYTES,
  MAX_USER_METADATA_BYTES,
  MAX_OBJECT_TAGS,
  MAX_TAG_KEY_LENGTH_CHARS,
  MAX_TAG_VALUE_LENGTH_CHARS,
  MAX_SINGLE_PUT_SIZE_BYTES,
  MIN_PART_SIZE_BYTES,
  MAX_PART_SIZE_BYTES,
  MAX_PARTS,
  MAX_OBJECT_SIZE_BYTES,
  MAX_DELETE_OBJECTS_PER_REQUEST,
  MAX_LIST_PAGE_SIZE,
} from './limits';
