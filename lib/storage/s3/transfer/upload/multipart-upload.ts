/** The multipart path of the upload engine: plan, send the parts, complete; abort (or keep) on failure. */
import type { UploadResult } from '../../../types/transfer';
import { linkedController } from '../shared/control';
import { UploadJob } from './job';
import { planUpload } from './plan';
import { sendParts } from './parts';
import { completeUpload, failUpload } from './complete';

/**
 * Runs a multipart upload: plans it (resuming what can be resumed), sends the missing parts and completes it. On a
 * failure before Complete the parts in flight are cancelled, then the upload is aborted or kept, per the options;
 * Complete settles its own failures (it may have stored the object).
 */
export async function runMultipartUpload(job: UploadJob, explicitUploadId?: string): Promise<UploadResult> {
  const plan = await planUpload(job, explicitUploadId);
  const { controller, dispose } = linkedController(job.options.abortSignal);
  let parts;
  try {
    parts = await sendParts(job, plan, controller);
  } catch (error) {
    controller.abort();
    throw await failUpload(job, plan, error);
  } finally {
    dispose();
  }
  return completeUpload(job, plan, parts);
}
