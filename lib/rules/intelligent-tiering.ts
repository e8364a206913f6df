import { RuleProblem } from './problem';

/**
 * Days of no access before S3 Intelligent-Tiering moves an object to an opt-in archive tier.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-managing.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-tiering.html
 */
export const INTELLIGENT_TIERING_ARCHIVE_DAYS: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  ARCHIVE_ACCESS: { min: 90, max: 730 },
  DEEP_ARCHIVE_ACCESS: { min: 180, max: 730 },
};

/** One tiering of an Intelligent-Tiering configuration. */
export interface IntelligentTieringTieringInput {
  readonly accessTier: string;
  /** Undefined when unknown (for example an unresolved CDK token). */
  readonly days?: number;
}

/** An Intelligent-Tiering archive configuration. */
export interface IntelligentTieringConfigurationInput {
  readonly id?: string;
  readonly tierings: readonly IntelligentTieringTieringInput[];
}

/**
 * ARCHIVE_ACCESS takes 90 to 730 days, DEEP_ARCHIVE_ACCESS 180 to 730, and each tier appears at most once.
 * @returns every problem found.
 */
export function checkIntelligentTieringConfiguration(config: IntelligentTieringConfigurationInput): RuleProblem[] {
  const label = config.id ? `Intelligent-Tiering configuration "${config.id}"` : 'Intelligent-Tiering configuration';
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  for (const tiering of config.tierings) {
    const range = INTELLIGENT_TIERING_ARCHIVE_DAYS[tiering.accessTier];
    if (range === undefined) {
      problems.push({ ruleId: 'S3-INTELLIGENT-TIERING-ACCESS-TIER', message: `${label}: "${tiering.accessTier}" is not an archive access tier`, value: tiering.accessTier, fix: 'use ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS', severity: 'error' });
      continue;
    }
    if (seen.has(tiering.accessTier)) {
      problems.push({ ruleId: 'S3-INTELLIGENT-TIERING-DUPLICATE-TIER', message: `${label}: ${tiering.accessTier} appears more than once`, value: tiering.accessTier, fix: 'keep one tiering per access tier', severity: 'error' });
    }
    seen.add(tiering.accessTier);
    if (typeof tiering.days === 'number' && (tiering.days < range.min || tiering.days > range.max)) {
      problems.push({
        ruleId: `S3-INTELLIGENT-TIERING-${tiering.accessTier.replace(/_/g, '-')}-DAYS`,
        message: `${label}: ${tiering.accessTier} after ${tiering.days} days is outside the allowed ${range.min} to ${range.max} days`,
        value: tiering.days,
        fix: `set ${tiering.accessTier} to between ${range.min} and ${range.max} days`,
        severity: 'error',
      });
    }
  }
  return problems;
}
