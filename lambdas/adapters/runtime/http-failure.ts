// What the HTTP clients (Graph, Wazzup24) put in an error when a call fails: a short reason for a fetch that
// never got an answer, and the text with the call's secrets blanked out, as APIs and proxies echo them back.

/** Why fetch threw: `timed out`, the socket's code (ECONNREFUSED...), or the message. */
export function describeFetchFailure(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

/** Every secret in `text` replaced by REDACTED; secrets shorter than 4 characters are skipped (they would blank out ordinary words). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('REDACTED');
  return out;
}
