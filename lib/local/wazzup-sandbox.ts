// A local stand-in for api.wazzup24.com (v3): an in-process HTTP server answering the routes this system uses
// (POST /v3/message, GET /v3/channels, PATCH and GET /v3/webhooks) the way the facts file describes them
// (../shared/reference/wazzup24-api-facts.md §1.2-§1.8): Bearer API key, crmMessageId dedupe answered with
// `repeatedCrmMessageId`, 500 requests per 5 s, channel states, a `{ test: true }` POST on registration, echo
// and status webhooks after a send, inbound deliveries with media it serves itself, and failures on demand.
// Local mode (`npm start` without a Wazzup key) and the integration tests use it.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  WAZZUP_TEST_REQUEST,
  wazzupChannelsUpdate,
  wazzupDelivery,
  wazzupDeliveryHeaders,
  wazzupMessage,
  wazzupStatus,
} from './wazzup-payloads.js';
import { closeSandbox, listenForUrl, sleep } from './sandbox-server.js';

export type WazzupChannelState =
  | 'active'
  | 'init'
  | 'disabled'
  | 'phoneUnavailable'
  | 'qr'
  | 'openElsewhere'
  | 'notEnoughMoney'
  | 'foreignphone'
  | 'unauthorized'
  | 'waitForPassword'
  | (string & {});

export interface SandboxChannel {
  channelId: string;
  /** `whatsapp` (WhatsApp Web), `wapi` (WABA), `telegram`, `tgapi`, `instagram`, `vk`, `avito`, `viber`, `max`. */
  transport: string;
  plainId: string;
  state: WazzupChannelState;
}

export interface WazzupSubscriptionsState {
  messagesAndStatuses: boolean;
  contactsAndDealsCreation: boolean;
  channelsUpdates: boolean;
  templateStatus: boolean;
}

export interface WazzupSandboxOptions {
  /** 0 (default) = any free port. */
  port?: number;
  host?: string;
  /** The API key the sandbox accepts. Default `sandbox-wazzup-api-key`. */
  apiKey?: string;
  /** When set, webhook POSTs carry `Authorization: Bearer <crmKey>` as Wazzup does for accounts with one (§1.6). */
  crmKey?: string;
  /** Default: one active WhatsApp channel (DEFAULT_WAZZUP_CHANNEL_ID, +7 901 111-22-33). */
  channels?: SandboxChannel[];
  /** A webhook registered from the start (as if `PATCH /v3/webhooks` had run), all needed subscriptions on. */
  webhookUrl?: string;
  /** Delay before the echo and each status webhook after a send. Default 200 ms. */
  statusDelayMs?: number;
  /** POST an `isEcho: true` message webhook for each API send, as Wazzup does (§1.9). Default true. */
  echoSends?: boolean;
  /** How long a crmMessageId is remembered (secondary sources: 60 s). Default 60 s. */
  crmMessageIdWindowMs?: number;
  /** Requests per window per key before 429 (§1.8: 500 per 5 s). */
  rateLimit?: { requests: number; windowMs: number };
  /** Download a send's contentUri at once, without redirects, like Wazzup; failure = MESSAGE_DOWNLOAD_CONTENT_ERROR. Default true. */
  fetchContent?: boolean;
  /** Retries after a non-200 webhook answer (Wazzup's policy is undocumented). Default 2. */
  webhookRetries?: number;
  now?: () => Date;
}

export interface WazzupRecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The bearer key the request carried. */
  apiKey?: string;
  body: unknown;
  rawBody: string;
  status: number;
  response: unknown;
  at: Date;
}

export interface WazzupSentMessage {
  messageId: string;
  crmMessageId?: string;
  channelId: string;
  chatType: string;
  chatId: string;
  text?: string;
  contentUri?: string;
  /** What the sandbox downloaded from contentUri. */
  content?: { bytes: number; contentType: string };
  body: Record<string, unknown>;
  at: Date;
}

export interface WazzupWebhookDelivery {
  url: string;
  body: Record<string, unknown>;
  rawBody: string;
  headers: Record<string, string>;
  /** HTTP status the receiver answered; undefined when it could not be reached. */
  status?: number;
  error?: string;
  attempt: number;
  at: Date;
}

export type WazzupStatusStep = 'sent' | 'delivered' | 'read' | 'edited' | { error: string; description?: string };

export interface WazzupFailOptions {
  /** How many matching requests fail. Default 1. */
  times?: number;
  /** Default 429 for TOO_MANY_REQUESTS, the number itself for a numeric code, else 400. */
  httpStatus?: number;
  /** Which requests. Default any API route (not media). */
  match?: 'any' | 'message' | 'channels' | 'webhooks' | ((req: { method: string; path: string }) => boolean);
  /** Process the request, then answer with the failure: a lost answer (the send did go out). */
  afterProcessing?: boolean;
}

export interface DeliverInboundOptions {
  chatId: string;
  /** Default `whatsapp`. */
  chatType?: string;
  /** Default the first channel. */
  channelId?: string;
  name?: string;
  text?: string;
  /** An image (or other file) served by the sandbox as the message's contentUri. */
  file?: { bytes: Uint8Array; mimeType: string; filename?: string };
  /** Default `image` for a file, `text` otherwise. */
  type?: string;
  messageId?: string;
  isEcho?: boolean;
  dateTime?: Date;
}

export interface WazzupSandbox {
  url: string;
  apiKey: string;
  channels: SandboxChannel[];
  requests: WazzupRecordedRequest[];
  sent: WazzupSentMessage[];
  webhooks: WazzupWebhookDelivery[];
  /** The registered webhook, as `GET /v3/webhooks` shows it. */
  webhook(): { webhooksUri?: string; subscriptions: WazzupSubscriptionsState };
  /** Fail the next matching request(s) with a Wazzup error code (`BAD_CONTACT`) or a bare HTTP status (500, 429). */
  failNext(code: string | number, opts?: WazzupFailOptions): void;
  /** Change a channel's state (default: the first channel) and POST a channelsUpdates webhook when subscribed. */
  setChannelState(state: WazzupChannelState, channelId?: string): Promise<void>;
  /** Statuses POSTed after each send. Default sent, delivered, read. */
  setStatusFlow(steps: WazzupStatusStep[], opts?: { times?: number; chatId?: string }): void;
  /** POST an inbound message webhook to the registered address; resolves once it was answered. */
  deliverInbound(opts: DeliverInboundOptions): Promise<{ messageId: string; body: Record<string, unknown>; deliveries: WazzupWebhookDelivery[] }>;
  /** POST any body to the registered address (duplicates, combined deliveries, malformed input). */
  deliverRaw(body: unknown): Promise<WazzupWebhookDelivery[]>;
  /** Serve bytes at a public URL of the sandbox (for contentUri). */
  serveMedia(bytes: Uint8Array, mimeType: string, filename?: string): string;
  /** Resolves once every scheduled echo/status webhook has been delivered (or given up). */
  settled(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_WAZZUP_CHANNEL_ID = '3f4c2b9e-6d0a-4c1e-9b7a-5e2d8f1a0c34';
export const DEFAULT_WAZZUP_API_KEY = 'sandbox-wazzup-api-key';

const CHAT_TYPES = new Set(['whatsapp', 'whatsgroup', 'viber', 'instagram', 'telegram', 'telegroup', 'vk', 'avito', 'max', 'maxgroup']);
/** Which chat types a channel transport can send to. */
const TRANSPORT_CHATS: Readonly<Record<string, readonly string[]>> = {
  whatsapp: ['whatsapp', 'whatsgroup'],
  wapi: ['whatsapp'],
  instagram: ['instagram'],
  telegram: ['telegram', 'telegroup'],
  tgapi: ['telegram', 'telegroup'],
  vk: ['vk'],
  avito: ['avito'],
  viber: ['viber'],
  max: ['max', 'maxgroup'],
};
const TEXT_LIMIT: Readonly<Record<string, number>> = { whatsapp: 10_000, instagram: 1_000, telegram: 4_096, telegroup: 4_096 };
const DEFAULT_FLOW: WazzupStatusStep[] = ['sent', 'delivered', 'read'];

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  repeatedCrmMessageId: 'You have already sent message with the same crmMessageId',
  testPostNotPassed: 'Webhooks request not valid. Response status must be 200',
  uriNotValid: 'webhooksUri is not a valid URI',
  BAD_CONTACT: 'Contact does not have a WhatsApp account',
  CHANNEL_NOT_FOUND: 'Channel not found',
  CHANNEL_BLOCKED: 'Channel is blocked',
  CHANNEL_NO_MONEY: 'Channel is not paid',
  MESSAGE_CHANNEL_UNAVAILABLE: 'Channel is unavailable',
  MESSAGE_DOWNLOAD_CONTENT_ERROR: 'Failed to download content',
  INVALID_MESSAGE_DATA: 'Invalid message data',
  WRONG_TRANSPORT: 'Wrong transport for this chat type',
  TOO_LONG_TEXT: 'Text is too long',
  TOO_MANY_REQUESTS: 'Too many requests',
  '24_HOURS_EXCEEDED': 'More than 24 hours have passed since the client last wrote',
};

interface Injection {
  code: string | number;
  httpStatus: number;
  remaining: number;
  match: NonNullable<WazzupFailOptions['match']>;
  afterProcessing: boolean;
}

interface Answer {
  status: number;
  body?: unknown;
}

export async function startWazzupSandbox(opts: WazzupSandboxOptions = {}): Promise<WazzupSandbox> {
  const now = opts.now ?? (() => new Date());
  const apiKey = opts.apiKey ?? DEFAULT_WAZZUP_API_KEY;
  const statusDelayMs = opts.statusDelayMs ?? 200;
  const echoSends = opts.echoSends ?? true;
  const crmWindowMs = opts.crmMessageIdWindowMs ?? 60_000;
  const rateLimit = opts.rateLimit ?? { requests: 500, windowMs: 5_000 };
  const fetchContent = opts.fetchContent ?? true;
  const webhookRetries = opts.webhookRetries ?? 2;
  const channels: SandboxChannel[] = (opts.channels ?? [{ channelId: DEFAULT_WAZZUP_CHANNEL_ID, transport: 'whatsapp', plainId: '79011112233', state: 'active' }]).map((c) => ({ ...c }));
  const shutdown = new AbortController();

  const requests: WazzupRecordedRequest[] = [];
  const sent: WazzupSentMessage[] = [];
  const webhooks: WazzupWebhookDelivery[] = [];
  let injections: Injection[] = [];
  let defaultFlow = DEFAULT_FLOW;
  let overrides: { steps: WazzupStatusStep[]; remaining: number; chatId?: string }[] = [];
  const crmIds = new Map<string, { messageId: string; at: number }>();
  const media = new Map<string, { bytes: Uint8Array; mimeType: string; filename?: string }>();
  const pending = new Set<Promise<unknown>>();
  let window = { start: 0, count: 0 };
  let webhooksUri: string | undefined = opts.webhookUrl;
  let subscriptions: WazzupSubscriptionsState = {
    messagesAndStatuses: opts.webhookUrl !== undefined,
    contactsAndDealsCreation: false,
    channelsUpdates: opts.webhookUrl !== undefined,
    templateStatus: false,
  };
  let baseUrl = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) write(res, { status: 500, body: { error: 'INTERNAL_ERROR', description: String(err) } });
    });
  });

  function write(res: ServerResponse, answer: Answer): void {
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  const error = (code: string, status = 400, data?: unknown): Answer => ({
    status,
    body: { error: code, description: DESCRIPTIONS[code] ?? code, ...(data !== undefined ? { data } : {}) },
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';

    if (method === 'GET' && path.startsWith('/media/')) return serveMediaFile(path.slice('/media/'.length), res);

    const rawBody = await readBody(req);
    let body: unknown;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
    const auth = req.headers['authorization'];
    const key = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
    const finish = (answer: Answer) => {
      const entry: WazzupRecordedRequest = { method, path, query: Object.fromEntries(url.searchParams), body, rawBody, status: answer.status, response: answer.body, at: now() };
      if (key !== undefined) entry.apiKey = key;
      requests.push(entry);
      write(res, answer);
    };

    // 401 for a missing or wrong key: an empty 4xx body, one of the two forms §1.8 documents.
    if (key !== apiKey) return finish({ status: 401 });

    const nowMs = now().getTime();
    if (nowMs - window.start >= rateLimit.windowMs) window = { start: nowMs, count: 0 };
    window.count += 1;
    if (window.count > rateLimit.requests) return finish({ status: 429 });

    const injection = takeInjection(method, path);
    if (injection && !injection.afterProcessing) return finish(failure(injection));
    const answer = await route(method, path, body);
    finish(injection ? failure(injection) : answer);
  }

  function failure(inj: Injection): Answer {
    if (typeof inj.code === 'number') return { status: inj.httpStatus };
    return error(inj.code, inj.httpStatus);
  }

  function takeInjection(method: string, path: string): Injection | undefined {
    const hit = injections.find((inj) => {
      if (inj.remaining <= 0) return false;
      if (typeof inj.match === 'function') return inj.match({ method, path });
      if (inj.match === 'message') return path === '/v3/message';
      if (inj.match === 'channels') return path === '/v3/channels';
      if (inj.match === 'webhooks') return path === '/v3/webhooks';
      return true;
    });
    if (!hit) return undefined;
    hit.remaining -= 1;
    injections = injections.filter((i) => i.remaining > 0);
    return hit;
  }

  async function route(method: string, path: string, body: unknown): Promise<Answer> {
    if (path === '/v3/message' && method === 'POST') return send(body);
    if (path === '/v3/channels' && method === 'GET') return { status: 200, body: channels.map((c) => ({ ...c })) };
    if (path === '/v3/webhooks' && method === 'GET') return { status: 200, body: { webhooksUri: webhooksUri ?? null, subscriptions: { ...subscriptions } } };
    if (path === '/v3/webhooks' && method === 'PATCH') return registerWebhook(body);
    return { status: 404, body: { error: 'NOT_FOUND', description: `${method} ${path} is not a route of this sandbox` } };
  }

  async function send(body: unknown): Promise<Answer> {
    if (!isRecord(body)) return error('INVALID_MESSAGE_DATA', 400, { fields: ['body'] });
    const channelId = str(body['channelId']);
    const chatType = str(body['chatType']);
    const chatId = str(body['chatId']);
    const text = str(body['text']);
    const contentUri = str(body['contentUri']);
    const crmMessageId = str(body['crmMessageId']);
    const channel = channels.find((c) => c.channelId === channelId);
    if (!channelId || !channel) return error('CHANNEL_NOT_FOUND');
    if (channel.state === 'disabled') return error('CHANNEL_BLOCKED');
    if (channel.state === 'notEnoughMoney') return error('CHANNEL_NO_MONEY');
    if (channel.state !== 'active') return error('MESSAGE_CHANNEL_UNAVAILABLE');
    if (!chatType || !CHAT_TYPES.has(chatType)) return error('INVALID_MESSAGE_DATA', 400, { fields: ['chatType'] });
    if (!(TRANSPORT_CHATS[channel.transport] ?? []).includes(chatType)) return error('WRONG_TRANSPORT');
    if (!chatId || ((chatType === 'whatsapp' || chatType === 'viber') && !/^\d+$/.test(chatId))) return error('INVALID_MESSAGE_DATA', 400, { fields: ['chatId'] });
    if ((text === undefined) === (contentUri === undefined)) return error('INVALID_MESSAGE_DATA', 400, { fields: ['text', 'contentUri'] });
    if (text !== undefined && [...text].length > (TEXT_LIMIT[chatType] ?? 10_000)) return error('TOO_LONG_TEXT');

    const nowMs = now().getTime();
    if (crmMessageId) {
      const seen = crmIds.get(crmMessageId);
      if (seen && nowMs - seen.at < crmWindowMs) return error('repeatedCrmMessageId');
    }
    let content: WazzupSentMessage['content'];
    if (contentUri !== undefined && fetchContent) {
      const got = await download(contentUri);
      if (!got) return error('MESSAGE_DOWNLOAD_CONTENT_ERROR');
      content = got;
    }

    const messageId = randomUUID();
    if (crmMessageId) crmIds.set(crmMessageId, { messageId, at: nowMs });
    const entry: WazzupSentMessage = { messageId, channelId, chatType, chatId, body, at: now() };
    if (crmMessageId) entry.crmMessageId = crmMessageId;
    if (text !== undefined) entry.text = text;
    if (contentUri !== undefined) entry.contentUri = contentUri;
    if (content) entry.content = content;
    sent.push(entry);
    scheduleCallbacks(entry);
    return { status: 201, body: { messageId, chatId } };
  }

  /** Wazzup fetches contentUri immediately and follows no redirect (§1.2). */
  async function download(uri: string): Promise<WazzupSentMessage['content'] | undefined> {
    try {
      const res = await fetch(uri, { redirect: 'manual', signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(10_000)]) });
      if (res.status !== 200) {
        await res.body?.cancel();
        return undefined;
      }
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { bytes: bytes.byteLength, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
    } catch {
      return undefined;
    }
  }

  function takeFlow(chatId: string): WazzupStatusStep[] {
    const o = overrides.find((x) => x.remaining > 0 && (x.chatId === undefined || x.chatId === chatId));
    if (!o) return defaultFlow;
    o.remaining -= 1;
    overrides = overrides.filter((x) => x.remaining > 0);
    return o.steps;
  }

  function scheduleCallbacks(msg: WazzupSentMessage): void {
    const steps = takeFlow(msg.chatId);
    const run = (async () => {
      if (echoSends) {
        await sleep(statusDelayMs, shutdown.signal);
        const echo = wazzupMessage({
          messageId: msg.messageId,
          channelId: msg.channelId,
          chatType: msg.chatType,
          chatId: msg.chatId,
          isEcho: true,
          dateTime: now(),
          authorName: 'API',
          ...(msg.text !== undefined ? { text: msg.text, type: 'text' } : {}),
          ...(msg.contentUri !== undefined ? { contentUri: msg.contentUri, type: typeFor(msg.content?.contentType) } : {}),
        });
        await post(wazzupDelivery({ messages: [echo] }), 'messagesAndStatuses');
      }
      for (const step of steps) {
        await sleep(statusDelayMs, shutdown.signal);
        if (shutdown.signal.aborted) return;
        const status =
          typeof step === 'string'
            ? wazzupStatus({ messageId: msg.messageId, status: step, timestamp: now() })
            : wazzupStatus({ messageId: msg.messageId, status: 'error', timestamp: now(), error: { error: step.error, description: step.description ?? DESCRIPTIONS[step.error] ?? step.error } });
        await post(wazzupDelivery({ statuses: [status] }), 'messagesAndStatuses');
      }
    })();
    track(run);
  }

  function track<T>(p: Promise<T>): Promise<T> {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  }

  async function registerWebhook(body: unknown): Promise<Answer> {
    if (!isRecord(body)) return error('uriNotValid');
    const uri = body['webhooksUri'];
    if (typeof uri !== 'string' || uri.length > 200 || !isHttpUrl(uri)) return error('uriNotValid');
    const subs = isRecord(body['subscriptions']) ? body['subscriptions'] : {};
    const next = { ...subscriptions };
    for (const k of Object.keys(next) as (keyof WazzupSubscriptionsState)[]) if (typeof subs[k] === 'boolean') next[k] = subs[k] as boolean;
    const probe = await deliverOnce(uri, WAZZUP_TEST_REQUEST as unknown as Record<string, unknown>, 1);
    if (probe.status !== 200) return error('testPostNotPassed');
    webhooksUri = uri;
    subscriptions = next;
    return { status: 200, body: { ok: true } };
  }

  /** POSTs a body to the registered address when the subscription is on; retries non-200 answers. */
  async function post(body: Record<string, unknown>, subscription: keyof WazzupSubscriptionsState): Promise<WazzupWebhookDelivery[]> {
    if (!webhooksUri || !subscriptions[subscription]) return [];
    return postTo(webhooksUri, body);
  }

  async function postTo(uri: string, body: Record<string, unknown>): Promise<WazzupWebhookDelivery[]> {
    const out: WazzupWebhookDelivery[] = [];
    for (let attempt = 1; attempt <= webhookRetries + 1 && !shutdown.signal.aborted; attempt++) {
      const d = await deliverOnce(uri, body, attempt);
      out.push(d);
      if (d.status === 200) break;
      await sleep(Math.max(statusDelayMs, 50), shutdown.signal);
    }
    return out;
  }

  async function deliverOnce(uri: string, body: Record<string, unknown>, attempt: number): Promise<WazzupWebhookDelivery> {
    const rawBody = JSON.stringify(body);
    const headers = wazzupDeliveryHeaders(opts.crmKey);
    const d: WazzupWebhookDelivery = { url: uri, body, rawBody, headers, attempt, at: now() };
    try {
      // §1.5: the receiver has 30 s to answer 200.
      const res = await fetch(uri, { method: 'POST', headers, body: rawBody, redirect: 'manual', signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(30_000)]) });
      await res.body?.cancel();
      d.status = res.status;
    } catch (err) {
      d.error = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.message) : String(err);
    }
    webhooks.push(d);
    return d;
  }

  function serveMediaFile(id: string, res: ServerResponse): void {
    const m = media.get(decodeURIComponent(id.split('/')[0] ?? ''));
    if (!m) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not Found');
      return;
    }
    res.writeHead(200, { 'Content-Type': m.mimeType, 'Content-Length': m.bytes.byteLength });
    res.end(Buffer.from(m.bytes));
  }

  function serveMedia(bytes: Uint8Array, mimeType: string, filename?: string): string {
    const id = randomBytes(16).toString('hex');
    media.set(id, { bytes, mimeType, ...(filename ? { filename } : {}) });
    return `${baseUrl}/media/${id}${filename ? `/${encodeURIComponent(filename)}` : ''}`;
  }

  baseUrl = await listenForUrl(server, opts.port ?? 0, opts.host ?? '127.0.0.1');

  const sandbox: WazzupSandbox = {
    url: baseUrl,
    apiKey,
    channels,
    requests,
    sent,
    webhooks,
    webhook() {
      return { ...(webhooksUri ? { webhooksUri } : {}), subscriptions: { ...subscriptions } };
    },
    failNext(code, failOpts = {}) {
      if (typeof code === 'number' && (!Number.isInteger(code) || code < 400 || code > 599)) throw new TypeError('failNext takes a Wazzup error code or an HTTP status 400-599');
      if (typeof code === 'string' && code.trim() === '') throw new TypeError('failNext needs a non-empty Wazzup error code');
      const httpStatus = failOpts.httpStatus ?? (typeof code === 'number' ? code : code === 'TOO_MANY_REQUESTS' ? 429 : 400);
      injections.push({ code, httpStatus, remaining: failOpts.times ?? 1, match: failOpts.match ?? 'any', afterProcessing: failOpts.afterProcessing ?? false });
    },
    async setChannelState(state, channelId) {
      const channel = channelId ? channels.find((c) => c.channelId === channelId) : channels[0];
      if (!channel) throw new Error(`no sandbox channel ${channelId ?? '(none configured)'}`);
      channel.state = state;
      await track(post(wazzupDelivery({ channelsUpdates: [wazzupChannelsUpdate({ ...channel })] }), 'channelsUpdates'));
    },
    setStatusFlow(steps, flowOpts = {}) {
      if (flowOpts.times === undefined && flowOpts.chatId === undefined) {
        defaultFlow = steps;
        return;
      }
      overrides.push({ steps, remaining: flowOpts.times ?? Number.POSITIVE_INFINITY, ...(flowOpts.chatId !== undefined ? { chatId: flowOpts.chatId } : {}) });
    },
    async deliverInbound(o) {
      if (!webhooksUri) throw new Error('no webhook registered in the Wazzup sandbox: PATCH /v3/webhooks first (or pass webhookUrl)');
      if (!subscriptions.messagesAndStatuses) throw new Error('the webhook is not subscribed to messagesAndStatuses');
      const channel = o.channelId ? channels.find((c) => c.channelId === o.channelId) : channels[0];
      if (!channel) throw new Error(`no sandbox channel ${o.channelId ?? '(none configured)'}`);
      if (o.text === undefined && !o.file) throw new Error('deliverInbound needs text or a file');
      const contentUri = o.file ? serveMedia(o.file.bytes, o.file.mimeType, o.file.filename) : undefined;
      const message = wazzupMessage({
        channelId: channel.channelId,
        chatType: o.chatType ?? 'whatsapp',
        chatId: o.chatId,
        type: o.type ?? (o.file ? typeFor(o.file.mimeType) : 'text'),
        dateTime: o.dateTime ?? now(),
        ...(o.text !== undefined ? { text: o.text } : {}),
        ...(contentUri ? { contentUri } : {}),
        ...(o.messageId ? { messageId: o.messageId } : {}),
        ...(o.isEcho !== undefined ? { isEcho: o.isEcho } : {}),
        contact: { name: o.name ?? 'Sandbox Customer', ...(o.chatType === undefined || o.chatType === 'whatsapp' ? { phone: o.chatId } : {}) },
      });
      const body = wazzupDelivery({ messages: [message] });
      const deliveries = await track(postTo(webhooksUri, body));
      return { messageId: String(message['messageId']), body, deliveries };
    },
    async deliverRaw(body) {
      if (!webhooksUri) throw new Error('no webhook registered in the Wazzup sandbox');
      const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
      const headers = wazzupDeliveryHeaders(opts.crmKey);
      const d: WazzupWebhookDelivery = { url: webhooksUri, body: isRecord(body) ? body : {}, rawBody, headers, attempt: 1, at: now() };
      try {
        const res = await fetch(webhooksUri, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(30_000) });
        await res.body?.cancel();
        d.status = res.status;
      } catch (err) {
        d.error = err instanceof Error ? err.message : String(err);
      }
      webhooks.push(d);
      return [d];
    },
    serveMedia,
    async settled() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    reset() {
      requests.length = 0;
      sent.length = 0;
      webhooks.length = 0;
      injections = [];
      overrides = [];
      defaultFlow = DEFAULT_FLOW;
      crmIds.clear();
      window = { start: 0, count: 0 };
    },
    close: () => closeSandbox(server, shutdown, pending),
  };
  return sandbox;
}

function typeFor(mimeType: string | undefined): string {
  if (!mimeType) return 'document';
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
