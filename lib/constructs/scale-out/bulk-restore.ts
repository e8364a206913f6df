import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RestoreTier } from '../../rules';
import { ValidationError } from '../errors';
import { restoreItemInput, restoreItemProcessor } from './restore-item';
import { checkBulkRestoreProps } from './validation';
import { acknowledgeScaleOutFindings, stateMachineLogs, useResultWriterV2 } from './common';

/** Days a restored copy stays, by default. https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html */
export const DEFAULT_RESTORE_DAYS = 1;
/** The retrieval tier by default (S3's own default). */
export const DEFAULT_RESTORE_TIER: RestoreTier = 'Standard';
/**
 * Child workflows at once, by default. Each child sends one RestoreObject per attempt and lasts at least one request
 * round trip plus its state transitions (about 100 ms or more), so 100 children stay under S3's quota of 1,000
 * restore requests per second per account; throttling beyond it is retried with backoff.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
 */
export const DEFAULT_RESTORE_MAX_CONCURRENCY = 100;
/** The prefix the per-key results are written under, by default. */
export const DEFAULT_RESTORE_RESULTS_PREFIX = 'bucketkit/bulk-restore-results/';
/** The metric namespace of {@link BulkRestore.metricRestoresCompleted}. */
export const BULK_RESTORE_METRIC_NAMESPACE = 'bucketkit';
/** The headers bucketkit gives a CSV manifest (`bucket,key[,versionId]`, no header row, as S3 Batch Operations reads it). */
export const CSV_MANIFEST_HEADERS: readonly string[] = ['Bucket', 'Key', 'VersionId'];

/** Properties of {@link BulkRestore}. */
export interface BulkRestoreProps {
  /** The bucket whose archived objects are restored: `s3:RestoreObject` and `s3:ListBucket` are granted on it only. */
  readonly bucket: s3.IBucket;
  /** The bucket holding CSV and S3 Inventory manifests (and the inventory's data files). @default - `bucket` */
  readonly manifestBucket?: s3.IBucket;
  /** Where the ResultWriter stores the per-key results. @default - `manifestBucket`, else `bucket` */
  readonly resultsBucket?: s3.IBucket;
  /** The key prefix of the results. @default DEFAULT_RESTORE_RESULTS_PREFIX */
  readonly resultsPrefix?: string;
  /** Days the restored copy stays, when the execution input gives none. @default DEFAULT_RESTORE_DAYS */
  readonly days?: number;
  /** The retrieval tier, when the execution input gives none. @default DEFAULT_RESTORE_TIER */
  readonly tier?: RestoreTier;
  /** Child workflows at once (1 to 10,000). @default DEFAULT_RESTORE_MAX_CONCURRENCY */
  readonly maxConcurrency?: number;
  /**
   * How the child workflows run. EXPRESS children cost a fraction of STANDARD ones at millions of keys (each child is
   * one short RestoreObject, well inside Express's 5 minutes). @default sfn.StateMachineType.EXPRESS
   */
  readonly childExecutionType?: sfn.StateMachineType;
  /** Failed keys tolerated before the Map Run fails, in percent (0 to 100). @default 0 */
  readonly toleratedFailurePercentage?: number;
  /**
   * Count "Object Restore Completed" events from EventBridge into the metric {@link BulkRestore.metricRestoresCompleted}
   * (a rule, a log group and a metric filter; no Lambda). The bucket must send events to EventBridge
   * (`eventBridgeEnabled: true`). @default false
   */
  readonly completionCount?: boolean;
  /** Retention of the state machine's and the completion count's logs. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Restores millions of archived objects (S3 Glacier Flexible Retrieval, Deep Archive) with a Step Functions Distributed
 * Map: each item is a child workflow that calls `s3:restoreObject` through the SDK service integration.
 *
 * Start an execution with one source and, optionally, `days` and `tier`:
 * - `{ "prefix": "logs/2020/" }`: an S3 listing of `bucket`;
 * - `{ "csvManifestKey": "manifests/restore.csv" }`: a CSV in `manifestBucket`, rows `bucket,key[,versionId]`, no header;
 * - `{ "inventoryManifestKey": "inventory/.../manifest.json" }`: an S3 Inventory manifest in `manifestBucket`.
 *
 * A bad input fails the execution with `InvalidArgument` before any request. See docs/scale-out.md.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
export class BulkRestore extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The bucket the per-key results are written to, under {@link resultsPrefix}. */
  public readonly resultsBucket: s3.IBucket;
  /** The key prefix of the results. */
  public readonly resultsPrefix: string;
  private readonly completionLogGroup?: logs.LogGroup;
  private readonly bucket: s3.IBucket;
  private readonly props: BulkRestoreProps;

  public constructor(scope: Construct, id: string, props: BulkRestoreProps) {
    super(scope, id);
    useResultWriterV2(this);
    const problems = checkBulkRestoreProps(props);
    if (problems.length > 0) throw new ValidationError(this, 'invalid BulkRestore properties', problems);
    this.bucket = props.bucket;
    this.props = props;
    const manifestBucket = props.manifestBucket ?? props.bucket;
    this.resultsBucket = props.resultsBucket ?? manifestBucket;
    this.resultsPrefix = props.resultsPrefix ?? DEFAULT_RESTORE_RESULTS_PREFIX;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    const maps = [
      this.restoreMap('listing', new sfn.S3ObjectsItemReader({ bucket: props.bucket, prefix: sfn.JsonPath.stringAt('$.prefix') }), {
        bucket: props.bucket.bucketName,
        key: sfn.JsonPath.stringAt('$$.Map.Item.Value.Key'),
        versionId: '',
      }),
      this.restoreMap(
        'CSV manifest',
        new sfn.S3CsvItemReader({
          bucket: manifestBucket,
          key: sfn.JsonPath.stringAt('$.csvManifestKey'),
          csvHeaders: sfn.CsvHeaders.use([...CSV_MANIFEST_HEADERS]),
        }),
        this.manifestItem(),
      ),
      this.restoreMap(
        'inventory',
        new sfn.S3ManifestItemReader({ bucket: manifestBucket, key: sfn.JsonPath.stringAt('$.inventoryManifestKey') }),
        this.manifestItem(),
      ),
    ];
    const invalid = (field: string, rule: string) => new sfn.Fail(this, `Invalid ${field}`, { error: 'InvalidArgument', cause: `${field}: ${rule}` });
    const present = (path: string) => sfn.Condition.isPresent(path);
    const defaults = new sfn.Pass(this, 'Defaults', {
      parameters: { defaults: { days: props.days ?? DEFAULT_RESTORE_DAYS, tier: props.tier ?? DEFAULT_RESTORE_TIER }, input: sfn.JsonPath.entirePayload },
    });
    const merge = new sfn.Pass(this, 'Apply defaults', {
      parameters: { run: sfn.JsonPath.jsonMerge(sfn.JsonPath.objectAt('$.defaults'), sfn.JsonPath.objectAt('$.input')) },
      outputPath: '$.run',
    });
    const source = new sfn.Choice(this, 'Which source?')
      .when(sfn.Condition.and(present('$.prefix'), sfn.Condition.isString('$.prefix')), maps[0])
      .when(sfn.Condition.and(present('$.csvManifestKey'), sfn.Condition.isString('$.csvManifestKey')), maps[1])
      .when(sfn.Condition.and(present('$.inventoryManifestKey'), sfn.Condition.isString('$.inventoryManifestKey')), maps[2])
      .otherwise(invalid('prefix', 'give exactly one of prefix, csvManifestKey, inventoryManifestKey (a string)'));
    const tierOk = sfn.Condition.or(...(['Expedited', 'Standard', 'Bulk'] as const).map((t) => sfn.Condition.stringEquals('$.tier', t)));
    const daysOk = sfn.Condition.and(sfn.Condition.isNumeric('$.days'), sfn.Condition.numberGreaterThanEquals('$.days', 1));
    const sources = [present('$.prefix'), present('$.csvManifestKey'), present('$.inventoryManifestKey')];
    const twoSources = sfn.Condition.or(
      sfn.Condition.and(sources[0], sources[1]),
      sfn.Condition.and(sources[0], sources[2]),
      sfn.Condition.and(sources[1], sources[2]),
    );
    const check = new sfn.Choice(this, 'Check input')
      .when(sfn.Condition.not(daysOk), invalid('days', 'must be a number of days, 1 or more'))
      .when(sfn.Condition.not(sfn.Condition.and(sfn.Condition.isString('$.tier'), tierOk)), invalid('tier', 'must be Expedited, Standard or Bulk'))
      .when(twoSources, invalid('source', 'give exactly one of prefix, csvManifestKey, inventoryManifestKey'))
      .otherwise(source);

    const logGroup = new logs.LogGroup(this, 'Logs', { retention, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      definitionBody: sfn.DefinitionBody.fromChainable(defaults.next(merge).next(check)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: stateMachineLogs(logGroup),
      comment: 'bucketkit BulkRestore: a Distributed Map of s3:restoreObject',
    });
    manifestBucket.encryptionKey?.grantDecrypt(this.stateMachine);
    this.resultsBucket.encryptionKey?.grantEncryptDecrypt(this.stateMachine);
    acknowledgeScaleOutFindings(this.stateMachine, [props.bucket, manifestBucket, this.resultsBucket], ['listing', 'CSV manifest', 'inventory'].map(mapLabel));
    if (props.completionCount) this.completionLogGroup = this.countCompletions(props.bucket, retention);
  }

  /**
   * Restores completed, counted from S3's "Object Restore Completed" events (needs `completionCount: true`).
   * @throws ValidationError when the construct was built without `completionCount`
   */
  public metricRestoresCompleted(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    if (!this.completionLogGroup) {
      throw new ValidationError(this, 'metricRestoresCompleted() needs completionCount: true on BulkRestore', []);
    }
    return new cloudwatch.Metric({
      namespace: BULK_RESTORE_METRIC_NAMESPACE,
      metricName: 'RestoresCompleted',
      dimensionsMap: { Bucket: this.bucket.bucketName },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Lets `grantee` start executions and follow them (DescribeExecution, DescribeMapRun, ListMapRuns). */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    this.stateMachine.grantRead(grantee);
    return this.stateMachine.grantStartExecution(grantee);
  }

  private manifestItem(): Record<string, unknown> {
    return {
      bucket: sfn.JsonPath.stringAt('$$.Map.Item.Value.Bucket'),
      key: sfn.JsonPath.stringAt('$$.Map.Item.Value.Key'),
      versionId: sfn.JsonPath.stringAt('$$.Map.Item.Value.VersionId'),
    };
  }

  private restoreMap(label: string, reader: sfn.IItemReader, item: Record<string, unknown>): sfn.DistributedMap {
    const props = this.props;
    const map = new sfn.DistributedMap(this, `Restore (${label})`, {
      itemReader: reader,
      itemSelector: { ...item, ...restoreItemInput() },
      maxConcurrency: props.maxConcurrency ?? DEFAULT_RESTORE_MAX_CONCURRENCY,
      // 0 (the default) is left out of the definition by aws-cdk-lib: it is Step Functions' default too.
      toleratedFailurePercentage: props.toleratedFailurePercentage,
      mapExecutionType: props.childExecutionType ?? sfn.StateMachineType.EXPRESS,
      label: mapLabel(label),
      resultWriterV2: new sfn.ResultWriterV2({ bucket: this.resultsBucket, prefix: this.resultsPrefix }),
    });
    map.itemProcessor(restoreItemProcessor(this, { bucket: props.bucket, suffix: `(${label})` }));
    return map;
  }

  private countCompletions(bucket: s3.IBucket, retention: logs.RetentionDays): logs.LogGroup {
    const group = new logs.LogGroup(this, 'RestoreCompletedEvents', { retention, removalPolicy: RemovalPolicy.RETAIN });
    const stack = Stack.of(this);
    const groupArn = stack.formatArn({ service: 'logs', resource: 'log-group', arnFormat: ArnFormat.COLON_RESOURCE_NAME, resourceName: group.logGroupName });
    new logs.ResourcePolicy(this, 'EventsToLogs', {
      policyStatements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          resources: [group.logGroupArn],
        }),
      ],
    });
    new events.Rule(this, 'RestoreCompleted', {
      description: 'bucketkit BulkRestore: S3 Object Restore Completed events, counted by a metric filter',
      eventPattern: { source: ['aws.s3'], detailType: ['Object Restore Completed'], detail: { bucket: { name: [bucket.bucketName] } } },
      targets: [{ bind: () => ({ arn: groupArn, targetResource: group }) }],
    });
    new logs.MetricFilter(this, 'RestoresCompletedFilter', {
      logGroup: group,
      filterPattern: logs.FilterPattern.stringValue('$.detail-type', '=', 'Object Restore Completed'),
      metricNamespace: BULK_RESTORE_METRIC_NAMESPACE,
      metricName: 'RestoresCompleted',
      metricValue: '1',
      dimensions: { Bucket: '$.detail.bucket.name' },
    });
    return group;
  }
}

/** The Map Run label of a source: letters only (Step Functions allows at most 40 characters and no spaces). */
function mapLabel(source: string): string {
  return `BulkRestore${source.replace(/[^A-Za-z]/g, '')}`;
}
