import { App, Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { StorageBucket } from 'bucketkit';

/** Three mistakes S3 rejects at deploy time. With `s3.Bucket` synth passes; with `StorageBucket` it fails. */
export function demo(app: App, Bucket: typeof s3.Bucket | typeof StorageBucket): Stack {
  const stack = new Stack(app, 'Demo');
  const bucket = new Bucket(stack, 'Data', {
    lifecycleRules: [{
      id: 'archive',
      transitions: [
        { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(7) }, // IA needs >= 30 days
        { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(20) }, // and GLACIER >= 30 days after IA
      ],
    }],
  });
  const queue = new sqs.Queue(stack, 'Uploads', { enforceSSL: true });
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: 'uploads/' });
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.SqsDestination(queue)); // overlaps the first
  return stack;
}
