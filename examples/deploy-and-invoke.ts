import { App, Stack } from 'aws-cdk-lib';
import { StorageBucket } from 'bucketkit';

/** A data bucket, an archive bucket in the same stack, and the three bundled handlers wired to them with grants. */
export function deployHandlers(app: App): Stack {
  const stack = new Stack(app, 'Handlers');
  const data = new StorageBucket(stack, 'Data');
  const archive = new StorageBucket(stack, 'Archive');
  data.addTransferFunction('Transfer', { destinationBucket: archive }); // read data, write archive
  data.addRestoreFunction('Restore'); // s3:RestoreObject on data
  data.addProbeFunction('Probe'); // its own scratch buckets
  return stack;
}
