// Media given as a link (Wazzup24's contentUri) downloaded for the card pipeline, with a size cap. A 4xx or an
// oversized file is CardUnreadable (no retry fetches it); a 5xx or a network failure throws a plain Error so the
// queue retries. The URL is never logged whole: it may carry a signature in its query string.
import { CardUnreadable, type UrlMediaSource } from '../../domain/cards/card-pipeline.js';
import { readCappedBody } from '../runtime/capped-body.js';

export function createUrlMediaSource(options: { fetch?: typeof fetch; timeoutMs?: number } = {}): UrlMediaSource {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 20_000;
  return {
    async fetch(url, { maxBytes }) {
      const where = describe(url);
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
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

function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.length > 40 ? `${u.pathname.slice(0, 40)}…` : u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
