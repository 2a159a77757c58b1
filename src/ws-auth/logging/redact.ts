/**
 * Runs of 24 or more token characters: JWT segments, opaque tokens, secrets in base64 or hex.
 * Ordinary words and ids are shorter, so log lines stay readable.
 */
const TOKEN_LIKE = /[A-Za-z0-9\-_~+/=.]{24,}/g;

/**
 * Describes a caught error for a log line: its class and message, with anything that looks like
 * a token or a secret replaced by `[redacted]`. Stack traces are left out because a custom
 * verifier's frames and messages may carry token text.
 */
export function describeErrorForLog(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${redactTokens(error.message)}`;
  }
  return `non-Error value of type ${typeof error}`;
}

/** Replaces every token-like run in `text` with `[redacted]`. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_LIKE, '[redacted]');
}
