// Media given as a link (Wazzup24's contentUri) downloaded for the card pipeline, with a size cap. The link is
// chosen by whoever sent the message, so it is fetched only over https from a public address (runtime/public-fetch.ts);
// a refused link, a 4xx or an oversized file is CardUnreadable (no retry fetches it); a 5xx or a network failure
// throws a plain Error so the queue retries. The URL is never logged whole: it may carry a signature in its query.
import { CardUnreadable, type UrlMediaSource } from '../../domain/cards/card-pipeline.js';
import { readCappedBody } from '../runtime/capped-body.js';
import { MEDIA_TIMEOUT_MS } from '../runtime/client-limits.js';
import { createPublicFetch, describe, UnsafeUrl, type PublicFetch } from '../runtime/public-fetch.js';

export interface UrlMediaOptions {
  fetch?: PublicFetch;
  timeoutMs?: number;
  /** Origins exempt from the public-address check: the local runner passes its Wazzup24 sandbox's. */
  allowOrigins?: readonly string[];
}


export function createUrlMediaSource(options: UrlMediaOptions = {}): UrlMediaSource {
  const fetchImpl = options.fetch ?? createPublicFetch({ ...(options.allowOrigins ? { allowOrigins: options.allowOrigins } : {}) });
  const timeoutMs = options.timeoutMs ?? MEDIA_TIMEOUT_MS;
  return {
    async fetch(url, { maxBytes }) {
      const where = safeDescribe(url);
      let res: Response;
      try {
        res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        if (error instanceof UnsafeUrl) throw new CardUnreadable(`the media link ${where} is not a public https address: ${error.message}`);
        throw error;
      }
      if (res.status >= 400 && res.status < 500) {
        await res.body?.cancel();
        throw new CardUnreadable(`the media link ${where} answered HTTP ${res.status}`);
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`the media link ${where} answered HTTP ${res.status}`);
      }
      const bytes = await readCappedBody(res, maxBytes, (max, declared) =>
        new CardUnreadable(declared !== undefined ? `the file is ${declared} bytes, over the ${max}-byte limit` : `the file is over the ${max}-byte limit`),
      );
      return { bytes, mimeType: res.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream' };
    },
  };
}

function safeDescribe(url: string): string {
  try {
    return describe(new URL(url));
  } catch {
    return '(not a URL)';
  }
}
