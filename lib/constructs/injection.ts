import { IPropertyInjector, PropertyInjectors } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';

/** The id property injectors use to target {@link StorageBucket} itself (its `PROPERTY_INJECTION_ID`). */
export const STORAGE_BUCKET_PROPERTY_INJECTION_ID = 'bucketkit.StorageBucket';

/**
 * The injector registered for `uniqueId` on `scope` or its nearest ancestor that has one, as aws-cdk-lib looks
 * it up (`findInjectorFromConstruct`), through public API only.
 */
export function findPropertyInjector(scope: IConstruct, uniqueId: string): IPropertyInjector | undefined {
  for (const construct of [...scope.node.scopes].reverse()) {
    if (!PropertyInjectors.hasPropertyInjectors(construct)) continue;
    const injector = PropertyInjectors.of(construct).for(uniqueId);
    if (injector) return injector;
  }
  return undefined;
}

/**
 * Applies the injectors that concern a StorageBucket to the user's props, most specific first, as aws-cdk-lib
 * does for a subclass of an injectable construct: the one registered for `StorageBucket.PROPERTY_INJECTION_ID`,
 * then the one registered for `s3.Bucket.PROPERTY_INJECTION_ID` (a StorageBucket is an `s3.Bucket`).
 * Both see the user's own props; StorageBucket's defaults are filled in afterwards, only where still unset.
 */
export function injectStorageBucketProps<P extends object>(scope: Construct, id: string, props: P): P {
  let result = props;
  for (const uniqueId of [STORAGE_BUCKET_PROPERTY_INJECTION_ID, s3.Bucket.PROPERTY_INJECTION_ID]) {
    const injector = findPropertyInjector(scope, uniqueId);
    if (injector) result = injector.inject(result, { scope, id }) as P;
  }
  return result;
}

/**
 * `s3.Bucket` as exported is aws-cdk-lib's `@propertyInjectable` wrapper: a subclass whose only code applies the
 * `s3.Bucket` injector and calls the real constructor. StorageBucket applies that injector itself (before its
 * defaults, see {@link injectStorageBucketProps}), so its `super()` call must skip the wrapper, or the injector
 * would run a second time on props that already hold the defaults.
 *
 * Returns the constructor under the wrapper when `s3.Bucket` has exactly that shape (an own prototype with only a
 * `constructor`, whose source applies injectors), else `undefined`. StorageBucket then keeps the ordinary
 * `super()` and the injector runs twice, which is harmless for the usual `{ ...defaults, ...props }` injector;
 * `test/constructs/one-word-switch.test.ts` checks that on this aws-cdk-lib the injector runs once.
 */
export function bucketConstructorUnderInjectionWrapper(): typeof s3.Bucket | undefined {
  const wrapper = s3.Bucket;
  const inner: unknown = Object.getPrototypeOf(wrapper);
  if (typeof inner !== 'function' || inner === s3.BucketBase) return undefined;
  const innerPrototype = (inner as { prototype?: unknown }).prototype;
  const wrapsOnlyTheConstructor =
    Object.getOwnPropertyNames(wrapper.prototype).join() === 'constructor' && Object.getPrototypeOf(wrapper.prototype) === innerPrototype;
  const appliesInjectors = Function.prototype.toString.call(wrapper).includes('applyInjectors');
  return wrapsOnlyTheConstructor && appliesInjectors && inner instanceof Function && s3.BucketBase.prototype.isPrototypeOf(innerPrototype as object)
    ? (inner as typeof s3.Bucket)
    : undefined;
}
