// The Wazzup24 API v3 over fetch (facts: ../shared/reference/wazzup24-api-facts.md §1.1-§1.4, §1.8).
// Every non-2xx answer becomes a WazzupError carrying the mapped error (code, retryability, hint); the API key
// never appears in one. On 401 the key is re-read once (it may have been rotated). A send always carries a
// crmMessageId, so repeating it (here or in the sender) cannot double-send: `repeatedCrmMessageId` comes back
// as `{ alreadySent: true }`, not as an error.
import { WAZZUP_TIMEOUT_MS } from '../runtime/client-limits.js';
import {
  WAZZUP_HTTP_ERROR,
  mapWazzupError,
  wazzupApiKeyMissing,
  wazzupRetryDelayMs,
  wazzupTransportError,
  type MappedWazzupError,
} from '../../domain/outbound/wazzup-errors.js';
import {
  toWazzupSendBody,
  toWebhookRegistrationBody,
  type WazzupSendInput,
  type WazzupSubscriptions,
} from '../../domain/outbound/wazzup-outbound.js';
import { describeFetchFailure, redactSecrets } from '../runtime/http-failure.js';

export interface WazzupClientConfig {
  /** Default https://api.wazzup24.com; the Wazzup sandbox's URL in local mode and tests. */
  baseUrl?: string;
  /**
   * The API key; `{ refresh: true }` after a 401 means "re-read it, the cached one is stale". An empty key
   * fails the call with API_KEY_MISSING before any request is made.
   */
  getApiKey: (opts?: { refresh?: boolean }) => Promise<string>;
  fetch?: typeof fetch;
  /** Per call. Default 10 s. */
  timeoutMs?: number;
  /**
   * Retries inside one call for retryable failures (429 after the 5-s window, 5xx and network errors with
   * backoff). Default 0: the sender owns retries, as with the Graph client. Every route used here is safe to
   * repeat (GETs, the webhook PATCH, sends with a crmMessageId).
   */
  retries?: number;
  /** Injected for tests; defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Overrides the wait before each in-call retry (tests). Default: wazzupRetryDelayMs. */
  retryDelayMs?: (error: MappedWazzupError, attempt: number) => number | undefined;
}

export interface WazzupSendResult {
  /** Wazzup's message GUID; absent when the send was refused as a repeat (`alreadySent`). */
  messageId?: string;
  chatId?: string;
  crmMessageId: string;
  /** True when Wazzup answered `repeatedCrmMessageId`: it went out earlier, nothing was sent now. */
  alreadySent: boolean;
  httpStatus: number;
}

export interface WazzupChannel {
  channelId: string;
  /** `whatsapp` (WhatsApp Web), `wapi` (WABA), `instagram`, `tgapi`, `telegram`, `vk`, `avito`, … */
  transport: string;
  /** Phone number, username or id. */
  plainId: string;
  /** `active`, `init`, `disabled`, `phoneUnavailable`, `qr`, `openElsewhere`, `notEnoughMoney`, … */
  state: string;
  raw: Record<string, unknown>;
}

export interface WazzupWebhookSettings {
  webhooksUri?: string;
  subscriptions: Record<string, boolean>;
  raw: Record<string, unknown>;
}

export class WazzupError extends Error {
  constructor(
    readonly error: MappedWazzupError,
    readonly request: { method: string; url: string },
  ) {
    super(`${request.method} ${request.url} failed: ${error.code}: ${error.message}${error.details ? ` (${error.details})` : ''}`);
    this.name = 'WazzupError';
  }

  get code(): string {
    return this.error.code;
  }

  get retryable(): boolean {
    return this.error.retryable;
  }

  get httpStatus(): number | undefined {
    return this.error.httpStatus;
  }
}

type Method = 'GET' | 'POST' | 'PATCH';

interface Answer {
  status: number;
  body: unknown;
  /** An error answer the caller asked to treat as success (a send's repeatedCrmMessageId). */
  accepted?: MappedWazzupError;
}

export class WazzupClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly config: WazzupClientConfig) {
    this.baseUrl = (config.baseUrl ?? 'https://api.wazzup24.com').replace(/\/+$/, '');
    this.fetchImpl = config.fetch ?? globalThis.fetch;
    this.timeoutMs = config.timeoutMs ?? WAZZUP_TIMEOUT_MS;
    this.retries = Math.max(0, config.retries ?? 0);
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** `POST /v3/message`. Validates first (a WazzupOutboundError names the field); any 2xx is success. */
  async sendMessage(input: WazzupSendInput): Promise<WazzupSendResult> {
    const body = toWazzupSendBody(input);
    const answer = await this.call('POST', '/v3/message', body, (error) => error.alreadySent === true);
    const res = isRecord(answer.body) ? answer.body : {};
    const result: WazzupSendResult = { crmMessageId: body.crmMessageId, alreadySent: answer.accepted !== undefined, httpStatus: answer.status };
    const messageId = stringOf(res['messageId']);
    const chatId = stringOf(res['chatId']);
    if (messageId && !result.alreadySent) result.messageId = messageId;
    if (chatId) result.chatId = chatId;
    if (!result.alreadySent && !result.messageId) throw this.unexpected('POST', '/v3/message', 'no messageId in the send answer', answer.status);
    return result;
  }

  /** `GET /v3/channels`. */
  async listChannels(): Promise<WazzupChannel[]> {
    const answer = await this.call('GET', '/v3/channels');
    if (!Array.isArray(answer.body)) throw this.unexpected('GET', '/v3/channels', 'the channel list is not an array', answer.status);
    return answer.body.filter(isRecord).map((c) => ({
      channelId: stringOf(c['channelId']) ?? '',
      transport: stringOf(c['transport']) ?? '',
      plainId: stringOf(c['plainId']) ?? '',
      state: stringOf(c['state']) ?? 'unknown',
      raw: c,
    }));
  }

  /** `GET /v3/webhooks`. */
  async getWebhooks(): Promise<WazzupWebhookSettings> {
    const answer = await this.call('GET', '/v3/webhooks');
    const res = isRecord(answer.body) ? answer.body : {};
    const subs = isRecord(res['subscriptions']) ? res['subscriptions'] : {};
    const out: WazzupWebhookSettings = {
      subscriptions: Object.fromEntries(Object.entries(subs).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>,
      raw: res,
    };
    const uri = stringOf(res['webhooksUri']);
    if (uri) out.webhooksUri = uri;
    return out;
  }

  /**
   * `PATCH /v3/webhooks`: one URI per account, so this takes over from any other integration. Wazzup POSTs
   * `{ "test": true }` to the URI first and fails the PATCH (testPostNotPassed) unless it answers 200.
   */
  async registerWebhook(webhooksUri: string, subscriptions: Partial<WazzupSubscriptions> = {}): Promise<{ ok: boolean; raw: unknown }> {
    const body = toWebhookRegistrationBody(webhooksUri, subscriptions);
    const answer = await this.call('PATCH', '/v3/webhooks', body);
    const ok = isRecord(answer.body) ? answer.body['ok'] !== false : true;
    return { ok, raw: answer.body };
  }

  // ----- plumbing

  private async call(method: Method, path: string, body?: unknown, acceptError?: (e: MappedWazzupError) => boolean): Promise<Answer> {
    const url = `${this.baseUrl}${path}`;
    let refreshed = false;
    let refreshNow = false;
    for (let attempt = 0; ; attempt++) {
      const key = (await this.config.getApiKey(refreshNow ? { refresh: true } : undefined)).trim();
      refreshNow = false;
      // An empty key is a configuration gap, not a Wazzup answer: a mapped, non-retryable error with the fix.
      if (!key) throw new WazzupError(wazzupApiKeyMissing(), { method, url });
      const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${key}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let error: MappedWazzupError;
      let status: number | undefined;
      try {
        const res = await this.fetchImpl(url, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        const text = await res.text().catch(() => '');
        const parsed = parseJson(text);
        if (res.ok && !(isRecord(parsed) && parsed['error'] !== undefined && parsed['error'] !== null && parsed['error'] !== '')) {
          if (parsed === undefined && text.trim() !== '') throw this.unexpected(method, path, `HTTP ${res.status} with a body that is not JSON`, res.status);
          return { status: res.status, body: parsed };
        }
        error = scrub(mapWazzupError(parsed ?? text, res.status), key);
      } catch (err) {
        if (err instanceof WazzupError) throw err;
        error = scrub(wazzupTransportError(describeFetchFailure(err)), key);
      }
      if (acceptError?.(error)) return { status: status ?? 0, body: undefined, accepted: error };
      if (error.retryClass === 'token' && !refreshed) {
        refreshed = true;
        refreshNow = true;
        continue;
      }
      const delay = attempt < this.retries ? (this.config.retryDelayMs ?? wazzupRetryDelayMs)(error, attempt) : undefined;
      if (delay === undefined || error.retryClass === 'token') throw new WazzupError(error, { method, url });
      await this.sleep(delay);
    }
  }

  private unexpected(method: string, path: string, what: string, httpStatus?: number): WazzupError {
    const error: MappedWazzupError = {
      code: WAZZUP_HTTP_ERROR,
      message: `Unexpected Wazzup response: ${what}`,
      retryable: false,
      retryClass: 'none',
      hint: 'The Wazzup API answered in an unexpected shape: check the base URL (https://api.wazzup24.com).',
    };
    if (httpStatus !== undefined) error.httpStatus = httpStatus;
    return new WazzupError(error, { method, url: `${this.baseUrl}${path}` });
  }
}

export function createWazzupClient(config: WazzupClientConfig): WazzupClient {
  return new WazzupClient(config);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The key must never reach a log: blank it out of anything Wazzup (or a proxy) echoed back. */
function scrub(error: MappedWazzupError, key: string): MappedWazzupError {
  const clean = (s: string) => redactSecrets(s, [key]);
  const out = { ...error, message: clean(error.message) };
  if (error.details !== undefined) out.details = clean(error.details);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}
