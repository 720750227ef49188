// The Graph API (Meta Cloud API) over fetch: no SDK, so the bundle stays small and every byte sent is ours.
// Every non-2xx answer becomes a GraphError carrying the mapped error (code, retryability, hint); the URL in
// it is scrubbed of tokens and secrets. On code 190 the token is refreshed once and the call retried once,
// so a rotated token never breaks a warm function.
import { createHash } from 'node:crypto';
import {
  HTTP_ERROR_CODE,
  mapGraphError,
  transportError,
  type MappedGraphError,
} from '../../domain/outbound/graph-errors.js';
import type { MetricSink } from '../../domain/shared/metric-catalog.js';
import { toGraphMessageBody, toMarkReadBody, type OutboundMessage } from '../../domain/outbound/outbound-message.js';
import { readCappedBody } from '../runtime/capped-body.js';
import { describeFetchFailure, redactSecrets } from '../runtime/http-failure.js';
import { metricSink } from '../runtime/metrics.js';
import { GRAPH_TIMEOUT_MS, MEDIA_TIMEOUT_MS } from '../runtime/client-limits.js';
import { createPublicFetch, UnsafeUrl, type PublicFetch } from '../runtime/public-fetch.js';

export interface GraphClientConfig {
  /** Default https://graph.facebook.com; the local Graph sandbox's URL in local mode and tests. */
  baseUrl?: string;
  /** Default: env GRAPH_API_VERSION, else v26.0. */
  version?: string;
  /** The access token; `{ refresh: true }` after a 190 means "re-read it, the cached one is stale". */
  getToken: (opts?: { refresh?: boolean }) => Promise<string>;
  fetch?: typeof fetch;
  /** Per Graph call. Default 10 s. */
  timeoutMs?: number;
  /** Per media download. Default MEDIA_TIMEOUT_MS. */
  mediaTimeoutMs?: number;
  /** Media downloads (URLs Graph hands out): https to public addresses only (runtime/public-fetch.ts). */
  mediaFetch?: PublicFetch;
  /** Origins exempt from that check: the local runner passes its Graph sandbox's. */
  mediaAllowOrigins?: readonly string[];
  /** GraphErrors by code and GraphRetries; default: this function's EMF sink. */
  metrics?: MetricSink;
}

export interface SendResult {
  messageId: string;
  /** `accepted`, `held_for_quality_assessment`, `paused`: only on paced template sends. */
  messageStatus?: string;
  contacts: { input?: string; waId?: string; userId?: string }[];
}

export interface MediaInfo {
  url: string;
  mimeType: string;
  sha256: string;
  /** Real Graph answers a number, the OpenAPI example a string: always a number here. */
  fileSize: number;
  id: string;
}

export interface DownloadedMedia {
  bytes: Uint8Array;
  contentType: string;
}

export interface FetchedMedia extends DownloadedMedia {
  id: string;
  mimeType: string;
  fileSize: number;
  sha256: string;
  /** False when the downloaded bytes do not hash to the sha256 Graph reported. */
  sha256Matches: boolean;
}

export interface DebugTokenInfo {
  isValid: boolean;
  appId?: string;
  application?: string;
  /** `USER`, `SYSTEM_USER`, `PAGE`, `APP`; open. */
  type?: string;
  /** Epoch seconds; 0 means the token never expires. */
  expiresAt?: number;
  dataAccessExpiresAt?: number;
  issuedAt?: number;
  scopes: string[];
  granularScopes: { scope: string; targetIds: string[] }[];
  userId?: string;
  /** Why an invalid token is invalid (`code` 190 with subcode 463 = expired). */
  error?: { code?: number; subcode?: number; message?: string };
  raw: Record<string, unknown>;
}

export interface ExchangedToken {
  accessToken: string;
  tokenType?: string;
  /** Seconds; absent for tokens that do not expire. */
  expiresIn?: number;
}

export class GraphError extends Error {
  constructor(
    readonly error: MappedGraphError,
    /** Method and URL with every token and secret replaced by REDACTED. */
    readonly request: { method: string; url: string },
  ) {
    super(`${request.method} ${request.url} failed: ${error.message}${error.details ? ` (${error.details})` : ''}`);
    this.name = 'GraphError';
  }

  get code(): number {
    return this.error.code;
  }

  get retryable(): boolean {
    return this.error.retryable;
  }

  get httpStatus(): number | undefined {
    return this.error.httpStatus;
  }
}

export class MediaTooLargeError extends Error {
  readonly retryable = false;
  constructor(
    readonly maxBytes: number,
    readonly actualBytes: number | undefined,
  ) {
    super(`media is larger than the ${maxBytes}-byte limit${actualBytes !== undefined ? ` (${actualBytes} bytes)` : ''}`);
    this.name = 'MediaTooLargeError';
  }
}

/** Query parameters that carry credentials: never shown in an error. */
const SECRET_PARAMS = ['access_token', 'client_secret', 'input_token', 'fb_exchange_token', 'appsecret_proof', 'revoke_token'];

export function scrubUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of SECRET_PARAMS) if (u.searchParams.has(key)) u.searchParams.set(key, 'REDACTED');
    return u.toString();
  } catch {
    return url.replace(new RegExp(`((?:${SECRET_PARAMS.join('|')})=)[^&#\\s]*`, 'g'), '$1REDACTED');
  }
}

type Auth = { kind: 'token' } | { kind: 'bearer'; token: string } | { kind: 'none' };

interface CallOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  auth?: Auth;
  /** Strings to blank out of any error text (an input token, an app secret). */
  secrets?: string[];
}

const DEFAULT_VERSION = 'v26.0';

const MAX_PAGES = 20;

export class GraphClient {
  readonly baseUrl: string;
  readonly version: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly mediaTimeoutMs: number;
  private readonly mediaFetch: PublicFetch;
  private readonly metrics: MetricSink;

  constructor(private readonly config: GraphClientConfig) {
    this.baseUrl = (config.baseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
    this.version = config.version ?? process.env['GRAPH_API_VERSION'] ?? DEFAULT_VERSION;
    this.fetchImpl = config.fetch ?? globalThis.fetch;
    this.timeoutMs = config.timeoutMs ?? GRAPH_TIMEOUT_MS;
    this.mediaTimeoutMs = config.mediaTimeoutMs ?? MEDIA_TIMEOUT_MS;
    this.mediaFetch = config.mediaFetch ?? createPublicFetch(config.mediaAllowOrigins ? { allowOrigins: config.mediaAllowOrigins } : {});
    this.metrics = config.metrics ?? metricSink;
  }

  // ----- messages

  /** A message parseOutboundMessage returned is sent as it is; any other is validated first (toGraphMessageBody). */
  async sendMessage(phoneNumberId: string, message: OutboundMessage): Promise<SendResult> {
    const body = toGraphMessageBody(message);
    const path = `${segment(phoneNumberId)}/messages`;
    const res = await this.call('POST', path, { body });
    const first = arrayOf(res['messages'])[0];
    const messageId = isRecord(first) ? stringOf(first['id']) : undefined;
    if (!messageId) throw this.unexpected('POST', path, 'no messages[0].id in the response');
    const contacts: SendResult['contacts'] = [];
    for (const c of arrayOf(res['contacts'])) {
      if (!isRecord(c)) continue;
      const contact: SendResult['contacts'][number] = {};
      const input = stringOf(c['input']);
      const waId = stringOf(c['wa_id']);
      const userId = stringOf(c['user_id']);
      if (input !== undefined) contact.input = input;
      if (waId !== undefined) contact.waId = waId;
      if (userId !== undefined) contact.userId = userId;
      contacts.push(contact);
    }
    const result: SendResult = { messageId, contacts };
    const status = stringOf(isRecord(first) ? first['message_status'] : undefined);
    if (status) result.messageStatus = status;
    return result;
  }

  async markRead(phoneNumberId: string, messageId: string, opts: { typingIndicator?: boolean } = {}): Promise<{ success: boolean }> {
    const res = await this.call('POST', `${segment(phoneNumberId)}/messages`, { body: toMarkReadBody(messageId, opts) });
    return { success: res['success'] === true };
  }

  // ----- media

  async getMedia(mediaId: string, opts: { phoneNumberId?: string } = {}): Promise<MediaInfo> {
    const res = await this.call('GET', segment(mediaId), { query: { phone_number_id: opts.phoneNumberId } });
    const url = stringOf(res['url']);
    if (!url) throw this.unexpected('GET', segment(mediaId), 'no url in the media response');
    return {
      url,
      mimeType: stringOf(res['mime_type']) ?? 'application/octet-stream',
      sha256: stringOf(res['sha256']) ?? '',
      fileSize: Number(res['file_size'] ?? NaN),
      id: stringOf(res['id']) ?? mediaId,
    };
  }

  /** Downloads a media URL from getMedia (valid about 5 minutes; needs the Bearer token). */
  async downloadMedia(url: string, opts: { maxBytes?: number } = {}): Promise<DownloadedMedia> {
    let refreshed = false;
    for (;;) {
      const token = await this.config.getToken(refreshed ? { refresh: true } : undefined);
      let res: Response;
      try {
        res = await this.mediaFetch(url, {
          headers: { Authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.mediaTimeoutMs),
        });
      } catch (err) {
        if (err instanceof UnsafeUrl) throw err;
        throw this.failed(transportError(describeFetchFailure(err)), { method: 'GET', url: scrubUrl(url) });
      }
      if (res.status === 401 && !refreshed) {
        await res.body?.cancel();
        refreshed = true;
        this.metrics.emit('GraphRetries', 1);
        continue;
      }
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        throw this.failed(scrubMapped(mapGraphError(text, res.status), [token]), { method: 'GET', url: scrubUrl(url) });
      }
      const bytes = await readCappedBody(res, opts.maxBytes, (max, declared) => new MediaTooLargeError(max, declared));
      return { bytes, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
    }
  }

  /**
   * Media id -> bytes: looks the URL up, refuses files over `maxBytes` before and while streaming, and fetches
   * a fresh URL once when the first one has expired (404), as Meta's media guide says to.
   */
  async fetchMediaBytes(mediaId: string, opts: { maxBytes: number; phoneNumberId?: string }): Promise<FetchedMedia> {
    let info = await this.getMedia(mediaId, opts.phoneNumberId ? { phoneNumberId: opts.phoneNumberId } : {});
    if (Number.isFinite(info.fileSize) && info.fileSize > opts.maxBytes) throw new MediaTooLargeError(opts.maxBytes, info.fileSize);
    let downloaded: DownloadedMedia;
    try {
      downloaded = await this.downloadMedia(info.url, { maxBytes: opts.maxBytes });
    } catch (err) {
      if (!(err instanceof GraphError) || err.httpStatus !== 404) throw err;
      this.metrics.emit('GraphRetries', 1);
      info = await this.getMedia(mediaId, opts.phoneNumberId ? { phoneNumberId: opts.phoneNumberId } : {});
      downloaded = await this.downloadMedia(info.url, { maxBytes: opts.maxBytes });
    }
    const sha256 = createHash('sha256').update(downloaded.bytes).digest('hex');
    return {
      ...downloaded,
      id: info.id,
      mimeType: info.mimeType,
      fileSize: downloaded.bytes.byteLength,
      sha256,
      sha256Matches: info.sha256 === '' || info.sha256.toLowerCase() === sha256,
    };
  }

  // ----- accounts

  /** `GET /{id}?fields=…`: a phone number (or any node: diagnostics use it to tell a WABA id from a phone number id). */
  async getPhoneNumber(id: string, fields: string[] = []): Promise<Record<string, unknown>> {
    return this.call('GET', segment(id), { query: { fields: fields.length ? fields.join(',') : undefined } });
  }

  async getBusinessAccount(wabaId: string, fields: string[] = []): Promise<Record<string, unknown>> {
    return this.call('GET', segment(wabaId), { query: { fields: fields.length ? fields.join(',') : undefined } });
  }

  /** Every phone number of a WABA, following the `after` cursor. */
  async listPhoneNumbers(wabaId: string, fields: string[] = []): Promise<Record<string, unknown>[]> {
    return this.listAll(`${segment(wabaId)}/phone_numbers`, fields.length ? { fields: fields.join(',') } : {});
  }

  async getSubscribedApps(wabaId: string): Promise<Record<string, unknown>[]> {
    return this.listAll(`${segment(wabaId)}/subscribed_apps`, {});
  }

  async subscribeApp(wabaId: string): Promise<{ success: boolean }> {
    const res = await this.call('POST', `${segment(wabaId)}/subscribed_apps`, {});
    return { success: res['success'] === true };
  }

  // ----- tokens

  /** `GET /debug_token` for `inputToken`, authenticated with `appToken` (`APP_ID|APP_SECRET`), else the configured token. */
  async debugToken(inputToken: string, appToken?: string): Promise<DebugTokenInfo> {
    const auth: Auth = appToken ? { kind: 'bearer', token: appToken } : { kind: 'token' };
    const res = await this.call('GET', 'debug_token', { query: { input_token: inputToken }, auth, secrets: [inputToken] });
    const data = isRecord(res['data']) ? res['data'] : {};
    const info: DebugTokenInfo = {
      isValid: data['is_valid'] === true,
      scopes: arrayOf(data['scopes']).filter((s): s is string => typeof s === 'string'),
      granularScopes: arrayOf(data['granular_scopes']).filter(isRecord).map((g) => ({
        scope: stringOf(g['scope']) ?? '',
        targetIds: arrayOf(g['target_ids']).map(String),
      })),
      raw: data,
    };
    const set = <K extends keyof DebugTokenInfo>(key: K, value: DebugTokenInfo[K] | undefined) => {
      if (value !== undefined) info[key] = value;
    };
    set('appId', stringOf(data['app_id']));
    set('application', stringOf(data['application']));
    set('type', stringOf(data['type']));
    set('expiresAt', numberOf(data['expires_at']));
    set('dataAccessExpiresAt', numberOf(data['data_access_expires_at']));
    set('issuedAt', numberOf(data['issued_at']));
    set('userId', stringOf(data['user_id']));
    if (isRecord(data['error'])) {
      const e = data['error'];
      info.error = compact({ code: numberOf(e['code']), subcode: numberOf(e['subcode']), message: stringOf(e['message']) });
    }
    return info;
  }

  /** Refreshes a long-lived token: `GET /oauth/access_token?grant_type=fb_exchange_token…&set_token_expires_in_60_days=true`. */
  async exchangeToken(args: { appId: string; appSecret: string; token: string }): Promise<ExchangedToken> {
    const res = await this.call('GET', 'oauth/access_token', {
      query: {
        grant_type: 'fb_exchange_token',
        client_id: args.appId,
        client_secret: args.appSecret,
        set_token_expires_in_60_days: 'true',
        fb_exchange_token: args.token,
      },
      auth: { kind: 'none' },
      secrets: [args.appSecret, args.token],
    });
    const accessToken = stringOf(res['access_token']);
    if (!accessToken) throw this.unexpected('GET', 'oauth/access_token', 'no access_token in the response');
    return compact({ accessToken, tokenType: stringOf(res['token_type']), expiresIn: numberOf(res['expires_in']) }) as ExchangedToken;
  }

  /** Invalidates `token` at once: `GET /oauth/revoke?client_id&client_secret&revoke_token`, authenticated with the app token. */
  async revokeToken(args: { appId: string; appSecret: string; token: string }): Promise<{ success: boolean }> {
    const res = await this.call('GET', 'oauth/revoke', {
      query: { client_id: args.appId, client_secret: args.appSecret, revoke_token: args.token },
      auth: { kind: 'bearer', token: `${args.appId}|${args.appSecret}` },
      secrets: [args.appSecret, args.token],
    });
    // Meta answers {"success":"true"}: a string.
    return { success: res['success'] === true || res['success'] === 'true' };
  }

  // ----- plumbing

  private url(path: string, query?: Record<string, string | undefined>): string {
    const plain = `${this.baseUrl}/${this.version}/${path}`;
    // Without a query the string goes to fetch as it is: fetch parses it with the same WHATWG URL parser, so
    // building a URL object here only to print it again is work done twice on every send.
    if (!query) return plain;
    const u = new URL(plain);
    for (const [k, val] of Object.entries(query)) if (val !== undefined) u.searchParams.set(k, val);
    return u.toString();
  }

  private async listAll(path: string, query: Record<string, string>): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.call('GET', path, { query: { ...query, after } });
      out.push(...arrayOf(res['data']).filter(isRecord));
      const paging = isRecord(res['paging']) ? res['paging'] : {};
      const cursors = isRecord(paging['cursors']) ? paging['cursors'] : {};
      // Graph returns cursors even on the last page; only a `next` link means there is more.
      after = paging['next'] ? stringOf(cursors['after']) : undefined;
      if (!after) break;
    }
    return out;
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, opts: CallOptions): Promise<Record<string, unknown>> {
    const auth = opts.auth ?? { kind: 'token' };
    const url = this.url(path, opts.query);
    const body = opts.body !== undefined ? JSON.stringify(opts.body) : undefined;
    for (let attempt = 0; ; attempt++) {
      const token =
        auth.kind === 'token' ? await this.config.getToken(attempt > 0 ? { refresh: true } : undefined) : auth.kind === 'bearer' ? auth.token : undefined;
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (token) headers['Authorization'] = `Bearer ${token}`;
      const init: RequestInit = { method, headers, signal: AbortSignal.timeout(this.timeoutMs) };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = body;
      }
      let res: Response;
      try {
        res = await this.fetchImpl(url, init);
      } catch (err) {
        throw this.failed(scrubMapped(transportError(describeFetchFailure(err)), secretsOf(opts, token)), { method, url: scrubUrl(url) });
      }
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        // The answer broke off (the timeout fired mid-body, the connection reset): as retryable as no answer.
        throw this.failed(scrubMapped(transportError(describeFetchFailure(err)), secretsOf(opts, token)), { method, url: scrubUrl(url) });
      }
      if (res.ok) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (isRecord(parsed)) return parsed;
        } catch {
          // fall through: a 2xx that is not a JSON object is as unusable as an error
        }
        throw this.unexpected(method, path, `HTTP ${res.status} with a body that is not a JSON object`, res.status);
      }
      const mapped = scrubMapped(mapGraphError(text, res.status), secretsOf(opts, token));
      if (mapped.code === 190 && auth.kind === 'token' && attempt === 0) {
        this.metrics.emit('GraphRetries', 1);
        continue;
      }
      throw this.failed(mapped, { method, url: scrubUrl(url) });
    }
  }

  /** Every Graph error leaves through here, so GraphErrors counts each one once, by Meta's code. */
  private failed(error: MappedGraphError, request: { method: string; url: string }): GraphError {
    this.metrics.emit('GraphErrors', 1, { code: String(error.code) });
    return new GraphError(error, request);
  }

  private unexpected(method: string, path: string, what: string, httpStatus?: number): GraphError {
    const error: MappedGraphError = {
      code: HTTP_ERROR_CODE,
      message: `Unexpected Graph response: ${what}`,
      retryable: false,
      retryClass: 'none',
      hint: 'The Graph endpoint answered in an unexpected shape: check the base URL and API version.',
    };
    if (httpStatus !== undefined) error.httpStatus = httpStatus;
    return this.failed(error, { method, url: scrubUrl(this.url(path)) });
  }
}

/** What to blank out of an error: the call's own secrets and the token it carried. Built only on failure. */
function secretsOf(opts: CallOptions, token: string | undefined): string[] {
  return token ? [...(opts.secrets ?? []), token] : (opts.secrets ?? []);
}

function scrubMapped(error: MappedGraphError, secrets: string[]): MappedGraphError {
  const clean = (s: string) => scrubUrl(redactSecrets(s, secrets));
  const out = { ...error, message: clean(error.message) };
  if (error.details !== undefined) out.details = clean(error.details);
  return out;
}

function segment(id: string): string {
  if (typeof id !== 'string' || id.trim() === '') throw new TypeError('a Graph object id is required');
  return encodeURIComponent(id.trim());
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function stringOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, val]) => val !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
