import type { RestoreTier } from '../storage-classes';
import type { PriceTable } from './tables';

/** A group of objects of one size. */
export interface WorkloadObjects {
  /** Size of each object in bytes (an average may be fractional); 0 or more. */
  readonly sizeBytes: number;
  /** How many objects; a whole number, 0 or more. */
  readonly count: number;
  /** The day (0-based, from the start of the estimate) the objects are written. @default 0 */
  readonly addedOnDay?: number;
  /** Days after `addedOnDay` at which they are deleted. @default - the workload's `deleteAfterDays`, else never */
  readonly deleteAfterDays?: number;
}

/** A lifecycle transition in CDK's `s3.Transition` shape read as data, or bucketkit's `LifecycleTransitionInput`. */
export interface CostTransitionInput {
  /** A class name, or CDK's `s3.StorageClass` (an object with `value`). */
  readonly storageClass: string | { readonly value: string };
  /** CDK's `transitionAfter` (a `Duration`: anything with `toDays()`). */
  readonly transitionAfter?: { toDays(): number };
  /** Days after creation (bucketkit's `LifecycleTransitionInput`). */
  readonly days?: number;
}

/** The parts of a lifecycle rule (CDK's `s3.LifecycleRule`, read as data) that change what storage costs. */
export interface CostLifecycleRule {
  /** `enabled: false` rules are ignored. @default true */
  readonly enabled?: boolean;
  /** Transitions of current versions. */
  readonly transitions?: readonly CostTransitionInput[];
  /** CDK's `expiration` (a `Duration`). */
  readonly expiration?: { toDays(): number };
  /** bucketkit's `expirationDays`. */
  readonly expirationDays?: number;
  /** Rules with a prefix or tag filter apply only to some objects; the estimate applies them to all and says so. */
  readonly prefix?: string;
  readonly tagFilters?: unknown;
  /** Object-size filter, bytes: the rule applies to objects larger than this. */
  readonly objectSizeGreaterThan?: number;
  /** Object-size filter, bytes: the rule applies to objects smaller than this. */
  readonly objectSizeLessThan?: number;
}

/** A restore of the archived objects (GLACIER, DEEP_ARCHIVE) in one month. */
export interface WorkloadRestore {
  /** The month (1-based) the restore happens in. @default 1 */
  readonly month?: number;
  /** The retrieval tier. @default 'Standard' */
  readonly tier?: RestoreTier;
  /** The share of the archived objects restored, 0 to 1. @default 1 */
  readonly fraction?: number;
  /** How long the temporary copy stays, in days (billed at the STANDARD rate). @default 0: no copy line */
  readonly days?: number;
}

/** What {@link estimateStorageCost} prices. */
export interface StorageWorkload {
  /** The region whose table is used when `prices` is not given. @default 'us-east-1' */
  readonly region?: string;
  /** The objects, by size group. */
  readonly objects: readonly WorkloadObjects[];
  /** How many months to estimate; a whole number, 1 or more. */
  readonly months: number;
  /** Days in a month: 30 by default; 31 to follow AWS's examples for a 31-day month. */
  readonly daysPerMonth?: number;
  /** The class objects are written in. Give this or `lifecycleRules` (objects then start in STANDARD). */
  readonly storageClass?: string;
  /** Lifecycle rules in CDK's `s3.LifecycleRule` shape (what `StorageBucket` takes), read as plain data. */
  readonly lifecycleRules?: readonly CostLifecycleRule[];
  /** Days after which every object is deleted (overridden per group). @default - never */
  readonly deleteAfterDays?: number;
  /** Requests per month, at the rates of the class objects are written in. */
  readonly requestsPerMonth?: { readonly put?: number; readonly get?: number };
  /** GB read per month from a class with a per-GB retrieval fee (STANDARD_IA, ONEZONE_IA, GLACIER_IR). */
  readonly retrievals?: { readonly gbPerMonth: number; readonly storageClass?: string };
  /** Restores of archived objects. */
  readonly restores?: readonly WorkloadRestore[];
  /** The price table. @default PRICE_TABLES[region] */
  readonly prices?: PriceTable;
}

/** What a cost line is for. */
export type CostCategory =
  | 'storage'
  | 'minimum-size'
  | 'archive-overhead'
  | 'requests'
  | 'lifecycle-transitions'
  | 'retrieval-gb'
  | 'retrieval-requests'
  | 'restored-copy'
  | 'early-deletion'
  | 'monitoring';

/** One line of the bill. */
export interface CostLine {
  /** The month (1-based). */
  readonly month: number;
  readonly category: CostCategory;
  /** The storage class the line is for. */
  readonly storageClass: string;
  /** The restore tier, for retrieval lines. */
  readonly tier?: RestoreTier;
  /** The billed quantity, in `unit`. */
  readonly quantity: number;
  /** `GB-month`, `GB`, `1k requests` or `1k objects`. */
  readonly unit: 'GB-month' | 'GB' | '1k requests' | '1k objects';
  /** USD per unit (for banded STANDARD storage, the average rate). */
  readonly unitPriceUsd: number;
  /** quantity × unitPriceUsd. */
  readonly usd: number;
}

/** The result of {@link estimateStorageCost}. */
export interface CostEstimate {
  /** The sum of every line, USD. */
  readonly totalUsd: number;
  /** USD per month, in order. */
  readonly months: readonly { readonly month: number; readonly usd: number }[];
  /** Every line, month by month. */
  readonly lines: readonly CostLine[];
  /** The table used (its source and date). */
  readonly prices: { readonly region: string; readonly source: string; readonly retrievedOn: string };
  /** Assumptions the estimate made (filters ignored, and so on). */
  readonly notes: readonly string[];
}
