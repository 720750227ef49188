// A local stand-in for graph.facebook.com: an in-process HTTP server answering the Graph endpoints this system
// uses (messages, media, phone numbers, subscribed_apps, debug_token, oauth/access_token) with Meta's shapes and
// error bodies, recording every request, failing on demand with any Meta error code, and sending signed status
// webhooks back after a send. Local mode (`npm start` without a real token) and the integration tests use it.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  MANAGEMENT_SCOPE,
  MESSAGING_SCOPE,
  PHONE_LIST_DEFAULT_FIELDS,
  canSeeWaba,
  checkToken,
  defaultAccountModel,
  findPhoneNumber,
  findWaba,
  phoneNumberFields,
  wabaFields,
  type SandboxAccountModel,
  type SandboxToken,
} from './graph-sandbox-accounts.js';
import {
  badClientSecret,
  errorBody,
  errorSpecFor,
  expiredToken,
  fbtraceId,
  invalidToken,
  nonexistingField,
  objectNotFound,
  parameterRequired,
  type GraphErrorSpec,
} from './graph-sandbox-errors.js';
import { checkSend } from './graph-sandbox-messages.js';
import { checkMediaUpload, newMediaId } from './graph-sandbox-media.js';
import { deliverWebhook, metaJson, statusPayload, type StatusStep, type WebhookDelivery } from './graph-sandbox-webhooks.js';
import { closeSandbox, listenForUrl, sleep } from './sandbox-server.js';

export type { StatusStep, WebhookDelivery } from './graph-sandbox-webhooks.js';
export type { SandboxAccountModel, SandboxPhoneNumber, SandboxTemplate, SandboxToken, SandboxWaba } from './graph-sandbox-accounts.js';
export { DEFAULT_APP_ID, DEFAULT_PHONE_NUMBER_ID, DEFAULT_WABA_ID } from './graph-sandbox-accounts.js';

export interface GraphSandboxOptions {
  /** 0 (default) = any free port. */
  port?: number;
  host?: string;
  /** Signs the status webhooks (X-Hub-Signature-256); also the app secret oauth/access_token checks. */
  appSecret: string;
  /** Where status webhooks go (the local `POST /webhooks/whatsapp`); unset = none are sent. */
  webhookUrl?: string;
  /** Delay before each status webhook. Default 200 ms. */
  statusDelayMs?: number;
  /** The token the default account model accepts. Default `sandbox-access-token`. */
  accessToken?: string;
  /** Replace the default account model (one app, one WABA, one phone number, one system-user token). */
  accounts?: (defaults: SandboxAccountModel) => SandboxAccountModel;
  /** How long a media URL from GET /{media-id} stays downloadable. Default 5 minutes, as on Graph. */
  mediaUrlTtlMs?: number;
  /** Clock, for token and media-URL expiry tests. */
  now?: () => Date;
  /** Retries after a non-200 webhook answer. Default 2. */
  webhookRetries?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the version prefix: `/107878721936019/messages`. */
  path: string;
  version?: string;
  query: Record<string, string>;
  /** The bearer token (or access_token parameter) the request carried. */
  token?: string;
  /** Parsed JSON or form body; undefined for none. */
  body: unknown;
  rawBody: string;
  status: number;
  response: unknown;
  at: Date;
}

export interface SentMessage {
  wamid: string;
  phoneNumberId: string;
  type: string;
  waId?: string;
  userId?: string;
  /** The request body exactly as received. */
  body: Record<string, unknown>;
  at: Date;
}

export interface FailOptions {
  /** How many matching requests fail. Default 1. */
  times?: number;
  /** Default: the status Meta uses for that code (see graph-sandbox-errors.ts). */
  httpStatus?: number;
  /** Which requests it applies to. Default: any Graph API call (not media downloads). */
  match?: 'any' | 'messages' | 'media' | ((req: { method: string; path: string; body: unknown }) => boolean);
  /** Answer this text (as text/html) instead of a Graph error body: a load balancer's or proxy's error page. */
  text?: string;
}

export interface StallOptions {
  /** How long each matching request is held before it is handled. */
  ms: number;
  /** How many matching requests stall. Default 1. */
  times?: number;
  /** Which requests. Default: message sends (`POST /{id}/messages`). */
  match?: FailOptions['match'];
}

export interface StatusFlowOptions {
  /** Only for the next N sends (default: from now on, for every send). */
  times?: number;
  /** Only for sends to this recipient (digits of `to` or the BSUID). */
  to?: string;
}

export interface RegisteredMedia {
  id: string;
  mimeType: string;
  sha256: string;
  fileSize: number;
}

export interface GraphSandbox {
  url: string;
  /** The account model; mutate it to stage scenarios (expire a token, drop a scope, add a WABA). */
  accounts: SandboxAccountModel;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Every accepted message send (mark-as-read excluded). */
  sent: SentMessage[];
  /** Every status webhook POST attempt. */
  webhooks: WebhookDelivery[];
  failNext(codeOrBody: number | { error: Record<string, unknown> }, opts?: FailOptions): void;
  /**
   * Holds the next matching requests for `ms` before handling them, as a slow or hung Graph does. A request
   * whose client gave up meanwhile (its timeout) is dropped unhandled and recorded with status 0: the send
   * never happened, so the client's retry is the only one that reaches `sent`.
   */
  stallNext(opts: StallOptions): void;
  setStatusFlow(steps: StatusStep[], opts?: StatusFlowOptions): void;
  media: {
    register(id: string, bytes: Uint8Array, mimeType: string): RegisteredMedia;
    /** Makes every media URL handed out so far answer 404, as an expired lookaside URL does. */
    expireUrls(): void;
  };
  /** Adds a token to the account model (defaults: system user, both WhatsApp scopes, 60 days). */
  addToken(token: Partial<SandboxToken> & { token: string }): SandboxToken;
  /** Resolves once every scheduled status webhook has been delivered (or given up). */
  settled(): Promise<void>;
  /** Clears records, injected failures and stalls, and status-flow overrides. */
  reset(): void;
  close(): Promise<void>;
}

interface Injection {
  body: { error: Record<string, unknown> };
  text?: string;
  httpStatus: number;
  remaining: number;
  match: NonNullable<FailOptions['match']>;
}

interface Stall {
  ms: number;
  remaining: number;
  match: NonNullable<FailOptions['match']>;
}

interface FlowOverride {
  steps: StatusStep[];
  remaining: number;
  to?: string;
}

interface StoredMedia extends RegisteredMedia {
  bytes: Uint8Array;
  /** Bumped by expireUrls(): URLs of an older generation answer 404. */
  generation: number;
}

const VERSION = /^v\d+\.\d+$/;
const DEFAULT_FLOW: StatusStep[] = ['sent', 'delivered', 'read'];

export async function startGraphSandbox(opts: GraphSandboxOptions): Promise<GraphSandbox> {
  const now = opts.now ?? (() => new Date());
  const accessToken = opts.accessToken ?? 'sandbox-access-token';
  const defaults = defaultAccountModel({ accessToken, appSecret: opts.appSecret, now: now() });
  const accounts = opts.accounts ? opts.accounts(defaults) : defaults;
  const statusDelayMs = opts.statusDelayMs ?? 200;
  const mediaUrlTtlMs = opts.mediaUrlTtlMs ?? 5 * 60_000;
  const urlKey = randomBytes(32);
  const shutdown = new AbortController();

  const requests: RecordedRequest[] = [];
  const sent: SentMessage[] = [];
  const webhooks: WebhookDelivery[] = [];
  let injections: Injection[] = [];
  let stalls: Stall[] = [];
  let defaultFlow: StatusStep[] = DEFAULT_FLOW;
  let overrides: FlowOverride[] = [];
  const media = new Map<string, StoredMedia>();
  const outgoing = new Set<string>();
  const pending = new Set<Promise<void>>();
  let baseUrl = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(err), type: 'SandboxException', code: 1 } });
    });
  });

  function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json; charset=UTF-8'): void {
    const text = typeof body === 'string' ? body : metaJson(body);
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  function parseBody(raw: string, contentType: string | undefined): unknown {
    if (raw === '') return undefined;
    if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const bytes = await readBody(req);
    // A media upload is a file: recorded by its size, never as text.
    const multipart = req.headers['content-type']?.toLowerCase().startsWith('multipart/form-data') ?? false;
    const rawBody = multipart ? `<multipart/form-data, ${bytes.byteLength} bytes>` : bytes.toString('utf8');
    const body = multipart ? undefined : parseBody(rawBody, req.headers['content-type']);
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const version = segments[0] && VERSION.test(segments[0]) ? segments.shift() : undefined;
    const query = Object.fromEntries(url.searchParams);
    const auth = req.headers['authorization'];
    const token = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : (query['access_token'] ?? (isRecord(body) && typeof body['access_token'] === 'string' ? body['access_token'] : undefined));
    const method = req.method ?? 'GET';
    const path = `/${segments.join('/')}`;

    const record = (status: number, response: unknown) => {
      const entry: RecordedRequest = { method, path, query, body, rawBody, status, response, at: now() };
      if (version !== undefined) entry.version = version;
      if (token !== undefined) entry.token = token;
      requests.push(entry);
    };
    const reply = (status: number, response: unknown) => {
      record(status, response);
      send(res, status, response);
    };
    const replyError = (spec: GraphErrorSpec) => reply(spec.httpStatus, errorBody(spec));

    // The lookaside-style media download URL is not a Graph path: it is served before injections apply.
    if (method === 'GET' && segments[0] === 'whatsapp_business' && segments[1] === 'attachments') {
      return serveMediaDownload(url, token, record, res);
    }

    const stall = takeMatching(stalls, method, path, segments, body);
    if (stall) {
      stalls = stalls.filter((s) => s.remaining > 0);
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      const held = sleep(stall.ms, AbortSignal.any([gone.signal, shutdown.signal]));
      pending.add(held);
      await held.finally(() => pending.delete(held));
      if (gone.signal.aborted || res.destroyed) {
        record(0, 'client closed the connection while the request was held');
        return;
      }
    }

    const injection = takeInjection(method, path, segments, body);
    if (injection?.text !== undefined) {
      record(injection.httpStatus, injection.text);
      return send(res, injection.httpStatus, injection.text, 'text/html; charset=UTF-8');
    }
    if (injection) return reply(injection.httpStatus, injection.body);

    const [first, second, third] = segments;
    if (method === 'GET' && first === 'oauth' && second === 'access_token' && !third) return replyToExchange(query, reply, replyError);

    const check = checkToken(accounts, token, now());
    if (!check.ok) return replyError(check.error);
    const caller = check.token;

    if (method === 'GET' && first === 'debug_token' && !second) return replyToDebugToken(query, caller, reply, replyError);
    if (method === 'GET' && first === 'oauth' && second === 'revoke' && !third) return replyToRevoke(query, reply, replyError);
    if (!first) return replyError(objectNotFound(method, ''));

    if (method === 'POST' && second === 'messages' && !third) return replyToSend(first, body, caller, reply, replyError);
    if (method === 'POST' && second === 'media' && !third) return replyToUpload(first, bytes, req.headers['content-type'], caller, reply, replyError);
    if (method === 'GET' && !second) return replyToNode(first, query, caller, reply, replyError);
    if (method === 'DELETE' && !second && media.has(first)) {
      if (!caller.scopes.includes(MESSAGING_SCOPE)) return replyError(errorSpecFor(10));
      media.delete(first);
      return reply(200, { success: true });
    }
    if (second === 'phone_numbers' && method === 'GET' && !third) return replyToPhoneList(first, query, caller, reply, replyError);
    if (second === 'subscribed_apps' && !third && (method === 'GET' || method === 'POST')) return replyToSubscribedApps(method, first, caller, reply, replyError);
    return replyError({ message: `Unknown path components: /${segments.slice(1).join('/')}`, type: 'OAuthException', code: 2500, httpStatus: 400 });
  }

  type Reply = (status: number, response: unknown) => void;
  type ReplyError = (spec: GraphErrorSpec) => void;

  /** The first of `list` with requests left that matches this one, its count taken down by one. */
  function takeMatching<T extends { remaining: number; match: NonNullable<FailOptions['match']> }>(
    list: T[],
    method: string,
    path: string,
    segments: string[],
    body: unknown,
  ): T | undefined {
    const hit = list.find((inj) => {
      if (inj.remaining <= 0) return false;
      if (typeof inj.match === 'function') return inj.match({ method, path, body });
      if (inj.match === 'messages') return method === 'POST' && segments[1] === 'messages';
      if (inj.match === 'media') return method === 'GET' && segments.length === 1 && media.has(segments[0]!);
      return true;
    });
    if (hit) hit.remaining -= 1;
    return hit;
  }

  function takeInjection(method: string, path: string, segments: string[], body: unknown): Injection | undefined {
    const hit = takeMatching(injections, method, path, segments, body);
    if (!hit) return undefined;
    injections = injections.filter((i) => i.remaining > 0);
    // A fresh fbtrace_id per answer, as Graph gives.
    return { ...hit, body: { error: { ...hit.body.error, ...('fbtrace_id' in hit.body.error ? { fbtrace_id: fbtraceId() } : {}) } } };
  }

  function requireScope(caller: SandboxToken, scope: string): GraphErrorSpec | undefined {
    if (caller.scopes.includes(scope)) return undefined;
    return scope === MESSAGING_SCOPE
      ? errorSpecFor(10)
      : { message: `(#200) Requires ${scope} permission to manage the object`, type: 'OAuthException', code: 200, httpStatus: 403 };
  }

  function replyToSend(phoneNumberId: string, body: unknown, caller: SandboxToken, reply: Reply, replyError: ReplyError): void {
    const found = findPhoneNumber(accounts, phoneNumberId);
    // A WABA id (or anything that is not a visible phone number) gets the cassette's "Unsupported post request".
    if (!found || !canSeeWaba(caller, found.waba.id)) return replyError(objectNotFound('POST', phoneNumberId));
    const scopeError = requireScope(caller, MESSAGING_SCOPE);
    if (scopeError) return replyError(scopeError);
    const result = checkSend(body, { waba: found.waba, phone: found.phone, isOutgoing: (id) => outgoing.has(id) });
    if (!result.ok) return replyError(result.error);
    reply(200, result.result.response);
    if (result.result.kind !== 'send') return;
    const accepted = result.result;
    const requestBody = body as Record<string, unknown>;
    outgoing.add(accepted.wamid);
    const entry: SentMessage = { wamid: accepted.wamid, phoneNumberId, type: accepted.type, body: requestBody, at: now() };
    if (accepted.waId !== undefined) entry.waId = accepted.waId;
    if (accepted.userId !== undefined) entry.userId = accepted.userId;
    sent.push(entry);
    const steps = takeFlow(accepted.waId ?? accepted.userId ?? '');
    if (opts.webhookUrl && steps.length) {
      const biz = requestBody['biz_opaque_callback_data'];
      scheduleStatuses(opts.webhookUrl, steps, {
        wabaId: found.waba.id,
        phoneNumberId,
        displayPhoneNumber: found.phone.displayPhoneNumber,
        wamid: accepted.wamid,
        messageType: accepted.type,
        ...(accepted.waId !== undefined ? { waId: accepted.waId } : {}),
        ...(accepted.userId !== undefined ? { userId: accepted.userId } : {}),
        ...(typeof biz === 'string' ? { bizOpaqueCallbackData: biz } : {}),
      });
    }
  }

  /** `POST /{phone-number-id}/media`: checked like Graph (graph-sandbox-media.ts), then served back by its id. */
  async function replyToUpload(phoneNumberId: string, bytes: Buffer, contentType: string | undefined, caller: SandboxToken, reply: Reply, replyError: ReplyError): Promise<void> {
    const found = findPhoneNumber(accounts, phoneNumberId);
    if (!found || !canSeeWaba(caller, found.waba.id)) return replyError(objectNotFound('POST', phoneNumberId));
    const scopeError = requireScope(caller, MESSAGING_SCOPE);
    if (scopeError) return replyError(scopeError);
    const checked = await checkMediaUpload(bytes, contentType);
    if (!checked.ok) return replyError(checked.error);
    const id = newMediaId();
    sandbox.media.register(id, checked.upload.bytes, checked.upload.mimeType);
    reply(200, { id });
  }

  function takeFlow(recipient: string): StatusStep[] {
    const override = overrides.find((o) => o.remaining > 0 && (o.to === undefined || o.to.replace(/^\+/, '') === recipient));
    if (!override) return defaultFlow;
    override.remaining -= 1;
    overrides = overrides.filter((o) => o.remaining > 0);
    return override.steps;
  }

  function scheduleStatuses(webhookUrl: string, steps: StatusStep[], ctx: Parameters<typeof statusPayload>[1]): void {
    const run = (async () => {
      // Pricing rides on `sent` and on the first of delivered/read (never both).
      let pricedDeliveredOrRead = false;
      for (const step of steps) {
        await sleep(statusDelayMs, shutdown.signal);
        if (shutdown.signal.aborted) return;
        let withPricing = step === 'sent';
        if ((step === 'delivered' || step === 'read') && !pricedDeliveredOrRead) {
          withPricing = true;
          pricedDeliveredOrRead = true;
        }
        await deliverWebhook({
          url: webhookUrl,
          payload: statusPayload(step, ctx, now(), withPricing),
          appSecret: opts.appSecret,
          retries: opts.webhookRetries ?? 2,
          retryDelayMs: Math.max(statusDelayMs, 50),
          signal: shutdown.signal,
          record: (d) => webhooks.push(d),
        });
      }
    })();
    pending.add(run);
    void run.finally(() => pending.delete(run));
  }

  function replyToNode(id: string, query: Record<string, string>, caller: SandboxToken, reply: Reply, replyError: ReplyError): void {
    const fields = query['fields'] ? query['fields'].split(',').map((f) => f.trim()).filter(Boolean) : undefined;
    const stored = media.get(id);
    if (stored) {
      const scopeError = requireScope(caller, MESSAGING_SCOPE);
      if (scopeError) return replyError(scopeError);
      if (query['phone_number_id'] && !findPhoneNumber(accounts, query['phone_number_id'])) {
        return replyError(objectNotFound('GET', query['phone_number_id']));
      }
      return reply(200, mediaInfo(stored));
    }
    const phone = findPhoneNumber(accounts, id);
    if (phone && canSeeWaba(caller, phone.waba.id)) {
      const scopeError = requireScope(caller, MANAGEMENT_SCOPE);
      if (scopeError) return replyError(scopeError);
      const r = phoneNumberFields(phone.phone, fields);
      return r.ok ? reply(200, r.value) : replyError(r.error);
    }
    const waba = findWaba(accounts, id);
    if (waba && canSeeWaba(caller, waba.id)) {
      const scopeError = requireScope(caller, MANAGEMENT_SCOPE);
      if (scopeError) return replyError(scopeError);
      const r = wabaFields(waba, fields);
      return r.ok ? reply(200, r.value) : replyError(r.error);
    }
    return replyError(objectNotFound('GET', id));
  }

  function replyToPhoneList(id: string, query: Record<string, string>, caller: SandboxToken, reply: Reply, replyError: ReplyError): void {
    const waba = findWaba(accounts, id);
    if (!waba || !canSeeWaba(caller, waba.id)) {
      const phone = findPhoneNumber(accounts, id);
      if (phone && canSeeWaba(caller, phone.waba.id)) return replyError(nonexistingField('phone_numbers', 'WhatsAppBusinessPhoneNumber'));
      return replyError(objectNotFound('GET', id));
    }
    const scopeError = requireScope(caller, MANAGEMENT_SCOPE);
    if (scopeError) return replyError(scopeError);
    const fields = query['fields'] ? query['fields'].split(',').map((f) => f.trim()).filter(Boolean) : undefined;
    const data: Record<string, unknown>[] = [];
    for (const phone of waba.phoneNumbers) {
      const r = phoneNumberFields(phone, fields, PHONE_LIST_DEFAULT_FIELDS);
      if (!r.ok) return replyError(r.error);
      data.push(r.value);
    }
    const cursor = Buffer.from(`${waba.id}:0`).toString('base64url');
    reply(200, { data, paging: { cursors: { before: cursor, after: cursor } } });
  }

  function replyToSubscribedApps(method: string, id: string, caller: SandboxToken, reply: Reply, replyError: ReplyError): void {
    const waba = findWaba(accounts, id);
    if (!waba || !canSeeWaba(caller, waba.id)) {
      const phone = findPhoneNumber(accounts, id);
      if (phone && canSeeWaba(caller, phone.waba.id)) return replyError(nonexistingField('subscribed_apps', 'WhatsAppBusinessPhoneNumber'));
      return replyError(objectNotFound(method, id));
    }
    const scopeError = requireScope(caller, MANAGEMENT_SCOPE);
    if (scopeError) return replyError(scopeError);
    if (method === 'POST') {
      if (!waba.subscribedApps.some((a) => a.id === accounts.app.id)) waba.subscribedApps.push({ id: accounts.app.id, name: accounts.app.name });
      return reply(200, { success: true });
    }
    reply(200, {
      data: waba.subscribedApps.map((a) => ({ whatsapp_business_api_data: { ...(a.link ? { link: a.link } : {}), name: a.name, id: a.id } })),
    });
  }

  /** debug_token: answered for the same app's tokens; invalid input tokens get is_valid false with the reason. */
  function replyToDebugToken(query: Record<string, string>, caller: SandboxToken, reply: Reply, replyError: ReplyError): void {
    const input = query['input_token'];
    if (!input) return replyError(parameterRequired('input_token'));
    void caller;
    const t = accounts.tokens.find((x) => x.token === input);
    if (!t) return reply(200, { data: { error: { code: 190, message: invalidToken().message }, is_valid: false, scopes: [] } });
    const nowMs = now().getTime();
    const expired = t.expiresAt !== 0 && t.expiresAt * 1000 <= nowMs;
    const data: Record<string, unknown> = {
      app_id: accounts.app.id,
      type: t.type,
      application: accounts.app.name,
      data_access_expires_at: t.dataAccessExpiresAt ?? 0,
      expires_at: t.expiresAt,
      is_valid: !expired && !t.revoked,
    };
    if (t.issuedAt !== undefined) data['issued_at'] = t.issuedAt;
    if (expired) {
      const spec = expiredToken(t.expiresAt, now());
      data['error'] = { code: 190, message: spec.message, subcode: 463 };
    } else if (t.revoked) {
      data['error'] = { code: 190, message: 'Error validating access token: The session has been invalidated.', subcode: 460 };
    }
    const visible = accounts.wabas.map((w) => w.id).filter((id) => t.wabaIds === undefined || t.wabaIds.includes(id));
    // Newest onboarded first, as Meta documents; the model keeps insertion order, so reverse it.
    data['granular_scopes'] = t.scopes
      .filter((s) => s === MANAGEMENT_SCOPE || s === MESSAGING_SCOPE)
      .map((scope) => ({ scope, target_ids: [...visible].reverse() }));
    data['scopes'] = t.scopes;
    data['user_id'] = t.userId;
    reply(200, { data });
  }

  /** oauth/revoke (facts §6.2): the app's credentials and the token to revoke; invalidation is immediate. */
  function replyToRevoke(query: Record<string, string>, reply: Reply, replyError: ReplyError): void {
    for (const p of ['client_id', 'client_secret', 'revoke_token']) {
      if (!query[p]) return replyError(parameterRequired(p));
    }
    if (query['client_id'] !== accounts.app.id) return replyError({ message: 'Error validating application. Invalid application ID.', type: 'OAuthException', code: 101, httpStatus: 400 });
    if (query['client_secret'] !== accounts.app.secret) return replyError(badClientSecret());
    const target = accounts.tokens.find((t) => t.token === query['revoke_token']);
    if (!target) return replyError(invalidToken());
    target.revoked = true;
    reply(200, { success: 'true' });
  }

  /** oauth/access_token with grant_type=fb_exchange_token: a new 60-day token with the old one's rights. */
  function replyToExchange(query: Record<string, string>, reply: Reply, replyError: ReplyError): void {
    for (const p of ['grant_type', 'client_id', 'client_secret', 'fb_exchange_token']) {
      if (!query[p]) return replyError(parameterRequired(p));
    }
    if (query['grant_type'] !== 'fb_exchange_token') return replyError({ message: 'Unsupported grant_type', type: 'OAuthException', code: 100, httpStatus: 400 });
    if (query['client_id'] !== accounts.app.id) return replyError({ message: 'Error validating application. Invalid application ID.', type: 'OAuthException', code: 101, httpStatus: 400 });
    if (query['client_secret'] !== accounts.app.secret) return replyError(badClientSecret());
    const check = checkToken(accounts, query['fb_exchange_token'], now());
    if (!check.ok) return replyError(check.error);
    const old = check.token;
    if (old.type === 'APP') return replyError(invalidToken());
    const nowS = Math.floor(now().getTime() / 1000);
    const expiresIn = 60 * 24 * 3600;
    const fresh: SandboxToken = {
      ...old,
      token: `EAAG${randomBytes(24).toString('base64url')}`,
      issuedAt: nowS,
      expiresAt: old.expiresAt === 0 && query['set_token_expires_in_60_days'] !== 'true' ? 0 : nowS + expiresIn,
    };
    delete fresh.revoked;
    accounts.tokens.push(fresh);
    reply(200, { access_token: fresh.token, token_type: 'bearer', ...(fresh.expiresAt !== 0 ? { expires_in: expiresIn } : {}) });
  }

  function mediaInfo(m: StoredMedia): Record<string, unknown> {
    const issuedAt = now().getTime();
    const ext = Math.floor((issuedAt + mediaUrlTtlMs) / 1000);
    const hash = signMediaUrl(m.id, ext, issuedAt, m.generation);
    return {
      url: `${baseUrl}/whatsapp_business/attachments/?mid=${encodeURIComponent(m.id)}&ext=${ext}&iat=${issuedAt}&gen=${m.generation}&hash=${hash}`,
      mime_type: m.mimeType,
      sha256: m.sha256,
      file_size: m.fileSize,
      id: m.id,
      messaging_product: 'whatsapp',
    };
  }

  function signMediaUrl(id: string, ext: number, issuedAt: number, generation: number): string {
    return createHmac('sha256', urlKey).update(`${id}:${ext}:${issuedAt}:${generation}`).digest('base64url');
  }

  function serveMediaDownload(url: URL, token: string | undefined, record: (status: number, response: unknown) => void, res: ServerResponse): void {
    const id = url.searchParams.get('mid') ?? '';
    const ext = Number(url.searchParams.get('ext'));
    const issuedAt = Number(url.searchParams.get('iat'));
    const generation = Number(url.searchParams.get('gen'));
    const hash = url.searchParams.get('hash') ?? '';
    const check = checkToken(accounts, token, now());
    if (!check.ok || !check.token.scopes.includes(MESSAGING_SCOPE)) {
      record(401, 'Unauthorized');
      return send(res, 401, 'Unauthorized', 'text/plain');
    }
    const stored = media.get(id);
    const valid =
      stored &&
      hash === signMediaUrl(id, ext, issuedAt, generation) &&
      generation === stored.generation &&
      issuedAt + mediaUrlTtlMs > now().getTime();
    if (!valid || !stored) {
      record(404, 'Not Found');
      return send(res, 404, 'Not Found', 'text/plain');
    }
    record(200, `<${stored.fileSize} bytes>`);
    res.writeHead(200, { 'Content-Type': stored.mimeType, 'Content-Length': stored.bytes.byteLength });
    res.end(Buffer.from(stored.bytes));
  }

  baseUrl = await listenForUrl(server, opts.port ?? 0, opts.host ?? '127.0.0.1');

  const sandbox: GraphSandbox = {
    url: baseUrl,
    accounts,
    requests,
    sent,
    webhooks,
    failNext(codeOrBody, failOpts = {}) {
      const spec = typeof codeOrBody === 'number' ? errorSpecFor(codeOrBody) : undefined;
      const body = spec ? errorBody(spec) : (codeOrBody as { error: Record<string, unknown> });
      if (!isRecord(body) || !isRecord(body.error)) throw new TypeError('failNext needs a Meta error code or a { error: { … } } body');
      const code = typeof body.error['code'] === 'number' ? body.error['code'] : undefined;
      const httpStatus = failOpts.httpStatus ?? spec?.httpStatus ?? (code !== undefined ? errorSpecFor(code).httpStatus : 400);
      injections.push({
        body,
        httpStatus,
        remaining: failOpts.times ?? 1,
        match: failOpts.match ?? 'any',
        ...(failOpts.text !== undefined ? { text: failOpts.text } : {}),
      });
    },
    stallNext(stallOpts) {
      if (!Number.isInteger(stallOpts.ms) || stallOpts.ms < 1) throw new RangeError('stallNext needs ms, a positive whole number of milliseconds');
      stalls.push({ ms: stallOpts.ms, remaining: stallOpts.times ?? 1, match: stallOpts.match ?? 'messages' });
    },
    setStatusFlow(steps, flowOpts = {}) {
      if (flowOpts.times === undefined && flowOpts.to === undefined) {
        defaultFlow = steps;
        return;
      }
      overrides.push({ steps, remaining: flowOpts.times ?? Number.POSITIVE_INFINITY, ...(flowOpts.to !== undefined ? { to: flowOpts.to } : {}) });
    },
    media: {
      register(id, bytes, mimeType) {
        if (!id) throw new TypeError('a media id is required');
        const stored: StoredMedia = {
          id,
          bytes,
          mimeType,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          fileSize: bytes.byteLength,
          generation: 0,
        };
        media.set(id, stored);
        return { id, mimeType, sha256: stored.sha256, fileSize: stored.fileSize };
      },
      expireUrls() {
        for (const m of media.values()) m.generation += 1;
      },
    },
    addToken(partial) {
      const nowS = Math.floor(now().getTime() / 1000);
      const token: SandboxToken = {
        type: 'SYSTEM_USER',
        userId: '10222270944537964',
        scopes: [MANAGEMENT_SCOPE, MESSAGING_SCOPE],
        expiresAt: nowS + 60 * 24 * 3600,
        issuedAt: nowS,
        ...partial,
      };
      accounts.tokens.push(token);
      return token;
    },
    async settled() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    reset() {
      requests.length = 0;
      sent.length = 0;
      webhooks.length = 0;
      injections = [];
      stalls = [];
      overrides = [];
      defaultFlow = DEFAULT_FLOW;
    },
    close: () => closeSandbox(server, shutdown, pending),
  };
  return sandbox;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
