import { STORAGE_CLASSES } from '../../../../rules/storage-classes';
import {
  GetBucketAccelerateConfigurationCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketAccelerateConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  RestoreObjectCommand,
} from '@aws-sdk/client-s3';
import { Probe, ok, no, partial, describe, rethrowUnrelated, send, putText } from './context';

/** The classes of ordinary (general-purpose) buckets, from the one class table. */
const PROBED_CLASSES = STORAGE_CLASSES;

export const storageClasses: Probe = async (ctx) => {
  const good: string[] = [];
  const bad: string[] = [];
  for (const cls of PROBED_CLASSES) {
    const key = `probe/class/${cls}`;
    try {
      await putText(ctx, key, cls, { StorageClass: cls });
      const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }));
      const list = await send(ctx, new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: key }));
      const onHead = head.StorageClass ?? 'STANDARD';
      const onList = list.Contents?.[0]?.StorageClass ?? 'STANDARD';
      if (onHead === cls && onList === cls) good.push(cls);
      else bad.push(`${cls} (HEAD ${onHead}, LIST ${onList})`);
    } catch (e) {
      rethrowUnrelated(e);
      bad.push(`${cls} (${describe(e)})`);
    }
  }
  ctx.notes.storageClasses.push(...good);
  const evidence = `accepted and reported on HEAD and LIST: ${good.join(', ') || 'none'}${bad.length ? `; not: ${bad.join(', ')}` : ''}`;
  return bad.length === 0 ? ok(evidence) : good.length > 1 ? partial(evidence) : no(evidence);
};

export const restoreObject: Probe = async (ctx) => {
  await putText(ctx, 'probe/archived', 'cold', { StorageClass: 'GLACIER' });
  await send(
    ctx,
    new RestoreObjectCommand({ Bucket: ctx.bucket, Key: 'probe/archived', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Standard' } } }),
  );
  const head = await send(ctx, new HeadObjectCommand({ Bucket: ctx.bucket, Key: 'probe/archived' }));
  return head.Restore
    ? ok(`RestoreObject accepted; HEAD shows x-amz-restore: ${head.Restore}`)
    : partial('RestoreObject accepted, but HEAD shows no x-amz-restore');
};

export const lifecycle: Probe = async (ctx) => {
  await send(
    ctx,
    new PutBucketLifecycleConfigurationCommand({
      Bucket: ctx.bucket,
      LifecycleConfiguration: { Rules: [{ ID: 'probe', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 30 } }] },
    }),
  );
  const out = await send(ctx, new GetBucketLifecycleConfigurationCommand({ Bucket: ctx.bucket }));
  const rule = out.Rules?.find((r) => r.ID === 'probe');
  return rule?.Expiration?.Days === 30
    ? ok('PutBucketLifecycleConfiguration stored a 30-day expiration rule that reads back')
    : partial(`lifecycle read back ${JSON.stringify(out.Rules ?? []).slice(0, 120)}`);
};

export const transferAcceleration: Probe = async (ctx) => {
  await send(ctx, new PutBucketAccelerateConfigurationCommand({ Bucket: ctx.bucket, AccelerateConfiguration: { Status: 'Enabled' } }));
  const out = await send(ctx, new GetBucketAccelerateConfigurationCommand({ Bucket: ctx.bucket }));
  if (out.Status !== 'Enabled') return no(`the setting was accepted but reads back ${out.Status ?? 'absent'}`);
  return ctx.config.endpoint
    ? partial('the setting is stored, but a custom endpoint has no s3-accelerate endpoint to use it')
    : ok('enabled; reads back Enabled');
};

export const notifications: Probe = async (ctx) => {
  const before = await send(ctx, new GetBucketNotificationConfigurationCommand({ Bucket: ctx.bucket }));
  const topicArn = 'arn:aws:sns:us-east-1:000000000000:bucketkit-probe';
  try {
    await send(
      ctx,
      new PutBucketNotificationConfigurationCommand({
        Bucket: ctx.bucket,
        NotificationConfiguration: { TopicConfigurations: [{ TopicArn: topicArn, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
  } catch (e) {
    rethrowUnrelated(e);
    return partial(
      `GetBucketNotificationConfiguration answers (${Object.keys(before).filter((k) => !k.startsWith('$')).length} sections); an SNS topic destination was refused: ${describe(e)}`,
    );
  }
  const after = await send(ctx, new GetBucketNotificationConfigurationCommand({ Bucket: ctx.bucket }));
  return after.TopicConfigurations?.some((t) => t.TopicArn === topicArn)
    ? ok('an SNS topic configuration was stored and reads back')
    : partial('PutBucketNotificationConfiguration answered, but the configuration does not read back');
};
