import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges a validation finding (for example a cdk-nag rule) on a construct, with its reason.
 *
 * `Validations.of(scope).acknowledge()` rejects ids with more than one `::`, which cdk-nag's per-finding ids
 * contain (`AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/...]`). For those, write the same
 * metadata entry `acknowledge()` writes (`aws:cdk:acknowledged-rules`, id -> reason), which cdk-nag reads.
 */
export function acknowledgeRule(scope: IConstruct, id: string, reason: string): void {
  if (id.split('::').length <= 2) {
    Validations.of(scope).acknowledge({ id, reason });
    return;
  }
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}
