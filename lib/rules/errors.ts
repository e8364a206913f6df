/**
 * Bad input to a pure rule function (a negative size, an unknown class, a tier a class does not offer), thrown
 * before anything is computed or sent. `bucketkit/storage` throws its own `InvalidArgumentError` (a `StorageError`)
 * for the same kinds of mistakes at run time; both carry `code: 'InvalidArgument'` and the offending `field`.
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
