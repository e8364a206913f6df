/**
 * The SigV4 payload hash of a request body, computed on the hash pool instead of by the SDK's signer on the event
 * loop. For a Buffer body the signer hashes the whole body with SHA-256 (`x-amz-content-sha256`) on the calling
 * thread: about 2 ms per MiB on this machine, measured with `--cpu-prof` (docs/benchmarks.md, "Hashing"). When the
 * request already carries the header, the signer uses it as is (`getPayloadHash` in `@smithy/signature-v4`).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 */
import type { BuildMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';

/** The header the signer reads the payload hash from. */
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';

/**
 * Sets `x-amz-content-sha256` on the command's request to `sha256Hex` (the hex SHA-256 of exactly the body sent),
 * unless a middleware already set it (e.g. an aws-chunked streaming body, whose value must stay).
 */
export function usePrecomputedPayloadHash<I extends object, O extends MetadataBearer>(
  command: { middlewareStack: MiddlewareStack<I, O> },
  sha256Hex: string,
): void {
  const middleware: BuildMiddleware<I, O> = (next) => async (args) => {
    const request = args.request as { headers?: Record<string, string> };
    const headers = request.headers;
    if (headers && !Object.keys(headers).some((h) => h.toLowerCase() === PAYLOAD_HASH_HEADER)) headers[PAYLOAD_HASH_HEADER] = sha256Hex;
    return next(args);
  };
  command.middlewareStack.add(middleware, { step: 'build', name: 'bucketkitPrecomputedPayloadHash', override: true });
}
