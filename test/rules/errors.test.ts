import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InvalidArgumentError as ConstructsInvalidArgumentError, StorageBucket } from 'bucketkit';
import { estimateStorageCost, InvalidArgumentError } from 'bucketkit/rules';
import { InvalidArgumentError as StorageInvalidArgumentError, StorageError } from 'bucketkit/storage';
import { App, Stack } from 'aws-cdk-lib';
import { partSizeForKnownSize } from '../../lib/storage/s3/transfer/shared/part-size';

// One InvalidArgumentError class per entry point (lib/rules/errors.ts explains why there are two).
const ROOT = join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

test('bucketkit/rules and bucketkit throw the rules class; both classes carry code InvalidArgument and the field', () => {
  const bad = { months: 1, storageClass: 'STANDARD', objects: [{ sizeBytes: -1, count: 1 }] };
  const fromRules = thrown(() => estimateStorageCost(bad));
  expect(fromRules).toBeInstanceOf(InvalidArgumentError);
  expect(ConstructsInvalidArgumentError).toBe(InvalidArgumentError);
  const fromConstruct = thrown(() => new StorageBucket(new Stack(new App(), 'E'), 'B').estimateCost({ objects: bad.objects, months: 1 }));
  expect(fromConstruct).toBeInstanceOf(ConstructsInvalidArgumentError);
  const storageError = new StorageInvalidArgumentError('days: must be 1 or more', { field: 'days' });
  for (const e of [fromRules, fromConstruct, storageError]) expect(e).toMatchObject({ code: 'InvalidArgument', field: expect.any(String) });
});

test("bucketkit/storage turns the rules' errors it can meet into its own class (same message and field)", () => {
  const error = thrown(() => partSizeForKnownSize(6 * 1024 ** 4));
  expect(error).toBeInstanceOf(StorageInvalidArgumentError);
  expect(error).toBeInstanceOf(StorageError);
  expect(error).toMatchObject({ code: 'InvalidArgument', field: expect.any(String) });
});

test('no file under lib/storage reaches the rules code that throws the rules class (lib/rules/errors, lib/rules/pricing, the lib/rules barrel)', () => {
  const storageDir = join(ROOT, 'lib', 'storage');
  const forbidden = [join(ROOT, 'lib/rules/errors'), join(ROOT, 'lib/rules/pricing'), join(ROOT, 'lib/rules/index'), join(ROOT, 'lib/rules')];
  const offenders: string[] = [];
  for (const file of tsFiles(storageDir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
      const target = resolve(dirname(file), match[1]);
      // The Transfer Acceleration table imports nothing and throws no rules error (checked below).
      if (target === join(ROOT, 'lib/rules/pricing/acceleration')) continue;
      if (forbidden.some((f) => target === f || target.startsWith(`${join(ROOT, 'lib/rules/pricing')}/`)))
        offenders.push(`${relative(ROOT, file)} -> ${match[1]}`);
    }
  }
  expect(offenders).toEqual([]);
  const accelerationPrices = readFileSync(join(ROOT, 'lib/rules/pricing/acceleration.ts'), 'utf8');
  expect(accelerationPrices).not.toMatch(/^import |\bfrom '|InvalidArgumentError\(/m);
  // Part-size errors come in through one wrapper only.
  const partSizeImporters = tsFiles(storageDir).filter((f) => /from '[./]+\/rules\/part-size'/.test(readFileSync(f, 'utf8')));
  expect(partSizeImporters.map((f) => relative(ROOT, f)).sort()).toEqual([
    'lib/storage/s3/transfer/shared/defaults.ts',
    'lib/storage/s3/transfer/shared/part-size.ts',
  ]);
  expect(readFileSync(join(storageDir, 's3/transfer/shared/defaults.ts'), 'utf8')).not.toMatch(
    /import \{[^}]*\b(partSizeFor|fixedLayout|growingLayout|layoutFor)/,
  );
});
