// The Meta access token for Graph calls: read from the secret once per container and kept for
// tokenLifecycle.cacheTtlSeconds; `{ refresh: true }` (the Graph client asks for it after error 190) drops the
// cached value and re-reads, so a rotation or a pasted token reaches a warm function on its next call.
// Concurrent refreshes share one read, and a burst of 190s within a few seconds re-reads only once, so a
// token that is really dead does not turn every Graph call into a Secrets Manager call.
import { tokenLifecycle } from '../../../lib/resources.js';
import { createSecretReader, SecretUnavailable, type SecretReader } from '../secrets/secrets.js';

export type TokenGetter = (opts?: { refresh?: boolean }) => Promise<string>;

export interface AccessTokenOptions {
  /** Default: a reader with the token cache TTL of resources.ts. */
  reader?: SecretReader;
  /** Forced re-reads closer together than this reuse the last read. Default 5 s. */
  minRefreshIntervalMs?: number;
  now?: () => number;
}

export function createAccessTokenSource(options: AccessTokenOptions = {}): TokenGetter {
  const reader = options.reader ?? createSecretReader({ ttlMs: tokenLifecycle.cacheTtlSeconds * 1000 });
  const now = options.now ?? Date.now;
  const minInterval = options.minRefreshIntervalMs ?? 5_000;
  let lastRefresh: { at: number; value: Promise<string> } | undefined;

  const read = async (): Promise<string> => {
    const value = (await reader.get('accessToken')).trim();
    if (value === '') {
      throw new SecretUnavailable('the access token secret is empty: store the Meta token in it (see the AccessTokenName stack output)');
    }
    return value;
  };

  return async (opts) => {
    if (!opts?.refresh) return read();
    if (lastRefresh && now() - lastRefresh.at < minInterval) return lastRefresh.value;
    reader.forget('accessToken');
    const value = read();
    lastRefresh = { at: now(), value };
    value.catch(() => {
      if (lastRefresh?.value === value) lastRefresh = undefined;
    });
    return value;
  };
}

let shared: TokenGetter | undefined;

/** The container-wide token source every handler passes to the Graph client as `getToken`. */
export const getAccessToken: TokenGetter = (opts) => {
  shared ??= createAccessTokenSource();
  return shared(opts);
};
