import { RuleId } from './catalog';
import { RuleProblem, ruleProblem } from './problem';

/**
 * Days of no access before S3 Intelligent-Tiering moves an object to an opt-in archive tier: ARCHIVE_ACCESS 90 to
 * 730 days, DEEP_ARCHIVE_ACCESS 180 to 730 days (inclusive).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-managing.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-tiering.html
 */
export const INTELLIGENT_TIERING_ARCHIVE_DAYS: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  ARCHIVE_ACCESS: { min: 90, max: 730 },
  DEEP_ARCHIVE_ACCESS: { min: 180, max: 730 },
};

/** The rule id of each tier's day range. */
const DAYS_RULE: Readonly<Record<string, RuleId>> = {
  ARCHIVE_ACCESS: 'S3-INTELLIGENT-TIERING-ARCHIVE-ACCESS-DAYS',
  DEEP_ARCHIVE_ACCESS: 'S3-INTELLIGENT-TIERING-DEEP-ARCHIVE-ACCESS-DAYS',
};

/** One tiering of an Intelligent-Tiering configuration. */
export interface IntelligentTieringTieringInput {
  /** `ARCHIVE_ACCESS` or `DEEP_ARCHIVE_ACCESS`. */
  readonly accessTier: string;
  /** Days without access before the move. Undefined when unknown (for example an unresolved CDK token). */
  readonly days?: number;
}

/**
 * An Intelligent-Tiering archive configuration.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_IntelligentTieringConfiguration.html
 */
export interface IntelligentTieringConfigurationInput {
  /** The configuration id, used in messages. @default - messages say "Intelligent-Tiering configuration" */
  readonly id?: string;
  /** The tierings. */
  readonly tierings: readonly IntelligentTieringTieringInput[];
}

/**
 * ARCHIVE_ACCESS takes 90 to 730 days, DEEP_ARCHIVE_ACCESS 180 to 730, and each tier appears at most once
 * (ids `S3-INTELLIGENT-TIERING-*`).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-managing.html
 * @returns every problem found.
 */
export function checkIntelligentTieringConfiguration(config: IntelligentTieringConfigurationInput): RuleProblem[] {
  const label = config?.id ? `Intelligent-Tiering configuration "${config.id}"` : 'Intelligent-Tiering configuration';
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  for (const tiering of config?.tierings ?? []) {
    const tier = String(tiering?.accessTier);
    const range = Object.hasOwn(INTELLIGENT_TIERING_ARCHIVE_DAYS, tier) ? INTELLIGENT_TIERING_ARCHIVE_DAYS[tier] : undefined;
    if (range === undefined) {
      problems.push(
        ruleProblem(
          'S3-INTELLIGENT-TIERING-ACCESS-TIER',
          `${label}: "${tier}" is not an archive access tier`,
          tier,
          'use ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS',
        ),
      );
      continue;
    }
    if (seen.has(tier)) {
      problems.push(ruleProblem('S3-INTELLIGENT-TIERING-DUPLICATE-TIER', `${label}: ${tier} appears more than once`, tier, 'keep one tiering per access tier'));
    }
    seen.add(tier);
    const days = tiering.days;
    if (typeof days === 'number' && !(Number.isInteger(days) && days >= range.min && days <= range.max)) {
      problems.push(
        ruleProblem(
          DAYS_RULE[tier],
          `${label}: ${tier} after ${days} days is outside the allowed ${range.min} to ${range.max} whole days`,
          days,
          `set ${tier} to between ${range.min} and ${range.max} days`,
        ),
      );
    }
  }
  return problems;
}
