/**
 * Bad input to a pure rule function (a negative size, an unknown class, a tier a class does not offer), thrown
 * before anything is computed or sent, by `bucketkit/rules` (e.g. `estimateStorageCost`) and by `bucketkit`
 * (`StorageBucket.estimateCost`), which both export this class.
 *
 * One class per entry point: `bucketkit/storage` has its own `InvalidArgumentError` (a `StorageError`, so one
 * `catch (e instanceof StorageError)` covers every run-time failure) and never lets this one out: storage does not
 * call the throwing rule functions (the price estimator), and the one it does call (part-size arithmetic, which throws
 * `PartSizeError`) is wrapped into storage's class with the same message and field (transfer/shared/part-size.ts);
 * test/rules/errors.test.ts holds storage to this. The two are not one class because storage's must extend
 * `StorageError` and `lib/rules` imports nothing. Both carry `code: 'InvalidArgument'` and the offending `field`, so
 * code that sees both can test `error.code === 'InvalidArgument'`.
 */
export class InvalidArgumentError extends Error {
  /** Always `'InvalidArgument'`, as on the storage error of the same name. */
  public readonly code = 'InvalidArgument';
  /** The offending field, as a path into the input, e.g. `objects[0].sizeBytes`. */
  public readonly field: string;
  public constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'InvalidArgumentError';
    this.field = field;
  }
}
