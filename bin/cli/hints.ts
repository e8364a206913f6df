/** What to do about an error, where its message alone does not say it (the CLI's last line of an error). */

/**
 * A TLS certificate this process does not trust (Node's OpenSSL codes, or their messages): where to give it the CA.
 * Empty for any other error.
 */
export function certificateHint(error: unknown): string {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | undefined)?.cause?.code ?? (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : '';
  const untrusted =
    (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) ||
    /DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT)|CERT_HAS_EXPIRED|self[- ]signed certificate/i.test(
      message,
    );
  return untrusted
    ? " (the server's certificate is not trusted here: give its CA as a PEM file in AWS_CA_BUNDLE, or the config's caBundle; verification stays on)"
    : '';
}
