import * as http from 'node:http';
import * as https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ResolvedS3StorageConfig } from './config';

/**
 * Builds the SDK client for a config: keep-alive sockets pooled to the configured concurrency, timeouts,
 * retries and the checksum policy.
 */
export function buildS3Client(config: ResolvedS3StorageConfig, region: string): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: config.concurrency };
  return new S3Client({
    region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    useAccelerateEndpoint: config.useAccelerateEndpoint,
    requestChecksumCalculation: config.checksumPolicy,
    responseChecksumValidation: config.checksumPolicy,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
    }),
  });
}
