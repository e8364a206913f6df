/**
 * The precomputed SigV4 payload hash reaches the wire and is what the request is signed with: a real S3Client with a
 * request handler that records the request instead of sending it.
 */
import { S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import type { HttpRequest } from '@smithy/types';
import { createHash } from 'node:crypto';
import { usePrecomputedPayloadHash } from '../../../../../lib/storage/s3/transfer/shared/payload-hash';

function recordingClient(): { client: S3Client; requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    forcePathStyle: true,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    requestHandler: {
      handle: async (request: HttpRequest) => {
        requests.push(request);
        return { response: { statusCode: 200, headers: { etag: '"e"' }, body: undefined } as never };
      },
    },
  });
  return { client, requests };
}

const input = { Bucket: 'b', Key: 'k', UploadId: 'u', PartNumber: 1, Body: Buffer.from('part bytes') };

test('the signer takes x-amz-content-sha256 as given (so it does not hash the body on the event loop)', async () => {
  const { client, requests } = recordingClient();
  const marker = 'a'.repeat(64);
  const command = new UploadPartCommand(input);
  usePrecomputedPayloadHash(command, marker);
  await client.send(command);
  expect(requests[0].headers['x-amz-content-sha256']).toBe(marker);
  // The signature covers it: x-amz-content-sha256 is among the signed headers.
  expect(requests[0].headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
});

test('without it, the SDK computes the same value itself: the precomputed one must be the SHA-256 of the body', async () => {
  const { client, requests } = recordingClient();
  await client.send(new UploadPartCommand(input));
  expect(requests[0].headers['x-amz-content-sha256']).toBe(createHash('sha256').update(input.Body).digest('hex'));
});
