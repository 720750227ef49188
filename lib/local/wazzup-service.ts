// Which Wazzup24 API local mode talks to, as a LocalService (beside graph-service.ts):
// - the Wazzup sandbox (lib/local/wazzup-sandbox.ts) when no real API key is set, or WAZZUP_BASE_URL=sandbox:
//   it accepts the local key, has one active WhatsApp channel (WAZZUP_CHANNEL_ID), and once the runner listens
//   the local webhook URL with its path secret is registered with it (PATCH /v3/webhooks, which Wazzup answers
//   only after the `{ test: true }` probe got 200), so echoes, statuses and `wa simulate wazzup-*` reach it;
// - otherwise WAZZUP_BASE_URL when set, else the real https://api.wazzup24.com (register the public URL of
//   the stack with `npx wa wazzup register`).
import { registerSandboxOrigin } from './sandbox-origins.js';
import { createWazzupClient } from '../../lambdas/adapters/wazzup/wazzup-client.js';
import { DEFAULT_WAZZUP_CHANNEL_ID, startWazzupSandbox, type WazzupSandbox } from './wazzup-sandbox.js';
import type { LocalRoute, LocalService } from './runner.js';

export const WAZZUP_SANDBOX_KEYWORD = 'sandbox';
export const LOCAL_WAZZUP_API_KEY = 'local-wazzup-api-key';
export const LOCAL_WAZZUP_WEBHOOK_SECRET = 'local-wazzup-webhook-secret';
export const DEFAULT_WAZZUP_STATUS_DELAY_MS = 500;

export type WazzupTarget = { kind: 'sandbox' } | { kind: 'real'; baseUrl: string };

/** `env` is the user's environment before local defaults are filled in. */
export function wazzupTarget(env: NodeJS.ProcessEnv): WazzupTarget {
  const base = env.WAZZUP_BASE_URL?.trim();
  if (base === WAZZUP_SANDBOX_KEYWORD || !env.WAZZUP_API_KEY) return { kind: 'sandbox' };
  return { kind: 'real', baseUrl: base || 'https://api.wazzup24.com' };
}

/** The local webhook URL Wazzup posts to: the route of resources.ts with the path secret. */
export function wazzupWebhookUrl(apiUrl: string, secret: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/webhooks/wazzup24/${encodeURIComponent(secret)}`;
}

export interface WazzupService extends LocalService {
  /** The running sandbox (tests deliver inbound messages, inject failures); undefined with real Wazzup or before start. */
  readonly sandbox: WazzupSandbox | undefined;
}

export function wazzupService(env: NodeJS.ProcessEnv, options: { statusDelayMs?: number; port?: number } = {}): WazzupService {
  let sandbox: WazzupSandbox | undefined;
  return {
    name: 'wazzup24',
    get sandbox() {
      return sandbox;
    },
    async start() {
      const secret = env.WAZZUP_WEBHOOK_SECRET || LOCAL_WAZZUP_WEBHOOK_SECRET;
      const target = wazzupTarget(env);
      if (target.kind === 'real') {
        return {
          env: { WAZZUP_BASE_URL: target.baseUrl, WAZZUP_WEBHOOK_SECRET: secret },
          info: [
            `  wazzup24  ${target.baseUrl} (real Wazzup24 API: WAZZUP_API_KEY is set; register a public URL with`,
            '            npx wa wazzup register --url <public url>; channels: npx wa wazzup channels)',
          ],
          close: async () => undefined,
        };
      }
      const delayText = env.WAZZUP_SANDBOX_STATUS_DELAY_MS;
      const statusDelayMs = options.statusDelayMs ?? (delayText && /^\d+$/.test(delayText) ? Number(delayText) : DEFAULT_WAZZUP_STATUS_DELAY_MS);
      const apiKey = env.WAZZUP_API_KEY || LOCAL_WAZZUP_API_KEY;
      const channelId = env.WAZZUP_CHANNEL_ID || DEFAULT_WAZZUP_CHANNEL_ID;
      const crmKey = env.WAZZUP_CRM_KEY || undefined;
      const portText = env.WAZZUP_SANDBOX_PORT;
      sandbox = await startWazzupSandbox({
        apiKey,
        statusDelayMs,
        ...(crmKey ? { crmKey } : {}),
        channels: [{ channelId, transport: 'whatsapp', plainId: '79011112233', state: 'active' }],
        port: options.port ?? (portText && /^\d+$/.test(portText) ? Number(portText) : 0),
      });
      const running = sandbox;
      registerSandboxOrigin(running.url);
      return {
        env: {
          WAZZUP_BASE_URL: running.url,
          WAZZUP_API_KEY: apiKey,
          WAZZUP_WEBHOOK_SECRET: secret,
          WAZZUP_CHANNEL_ID: channelId,
          ...(crmKey ? { WAZZUP_CRM_KEY: crmKey } : {}),
        },
        info: [
          `  wazzup24  ${running.url} (Wazzup24 sandbox: channel ${channelId} active, echoes and statuses after ${statusDelayMs} ms;`,
          '            set WAZZUP_API_KEY for the real Wazzup24 API)',
        ],
        // Registered the way an operator would: PATCH /v3/webhooks, which the sandbox accepts only after the
        // local webhook answered its `{ test: true }` probe with 200.
        async ready({ url }) {
          const client = createWazzupClient({ baseUrl: running.url, getApiKey: async () => apiKey });
          await client.registerWebhook(wazzupWebhookUrl(url, secret));
        },
        close: () => running.close(),
      };
    },
  };
}

export const WAZZUP_INBOUND_PATH = '/local/wazzup/inbound';
export const WAZZUP_SENT_PATH = '/local/wazzup/sent';
export const WAZZUP_FAIL_PATH = '/local/wazzup/fail';

/**
 * Local-only routes that drive the Wazzup sandbox inside `npm start` (for `wa simulate wazzup-*`):
 * `POST /local/wazzup/inbound?chat=<chatId>[&name=][&chatType=]` with a JSON `{ "text": … }` body, or a file
 * body with its Content-Type (an image becomes a message with a contentUri the sandbox serves);
 * `GET /local/wazzup/sent` lists what the sandbox was asked to send.
 */
export function wazzupControlRoutes(sandbox: () => WazzupSandbox | undefined): Record<string, LocalRoute> {
  const noSandbox = { statusCode: 409, body: { error: 'local mode talks to the real Wazzup24 API (WAZZUP_API_KEY is set): there is no sandbox to drive' } };
  return {
    [`POST ${WAZZUP_INBOUND_PATH}`]: async ({ body, contentType, query }) => {
      const box = sandbox();
      if (!box) return noSandbox;
      const chatId = query.get('chat') ?? '';
      if (!/^\d{8,15}$/.test(chatId)) return { statusCode: 400, body: { error: 'chat must be the customer\'s phone digits, e.g. ?chat=79011112233' } };
      const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
      const common = { chatId, ...(query.get('name') ? { name: query.get('name')! } : {}), ...(query.get('chatType') ? { chatType: query.get('chatType')! } : {}) };
      let delivered;
      if (type === 'application/json') {
        let text: unknown;
        try {
          text = (JSON.parse(body.toString('utf8')) as { text?: unknown }).text;
        } catch {
          return { statusCode: 400, body: { error: 'the body must be JSON { "text": "…" }' } };
        }
        if (typeof text !== 'string' || text === '') return { statusCode: 400, body: { error: 'text must be a non-empty string' } };
        delivered = await box.deliverInbound({ ...common, text });
      } else {
        if (!type.startsWith('image/') && type !== 'application/pdf') return { statusCode: 415, body: { error: `Content-Type must be application/json (a text) or an image type, got "${type}"` } };
        if (!body.byteLength) return { statusCode: 400, body: { error: 'the body (the file) is empty' } };
        delivered = await box.deliverInbound({ ...common, file: { bytes: new Uint8Array(body), mimeType: type } });
      }
      const last = delivered.deliveries.at(-1);
      return { statusCode: last?.status === 200 ? 200 : 502, body: { messageId: delivered.messageId, webhookStatus: last?.status ?? null, ...(last?.error ? { error: last.error } : {}) } };
    },
    // `{ "code": "BAD_CONTACT" | 500, "times"?: n, "afterProcessing"?: true }`: the next sends fail; with
    // afterProcessing the message does go out and only the answer is lost (a retry must not send it twice).
    [`POST ${WAZZUP_FAIL_PATH}`]: async ({ body }) => {
      const box = sandbox();
      if (!box) return noSandbox;
      let request: { code?: unknown; times?: unknown; afterProcessing?: unknown };
      try {
        request = (JSON.parse(body.toString('utf8')) ?? {}) as typeof request;
      } catch {
        return { statusCode: 400, body: { error: 'body must be JSON: { "code": "<Wazzup code>" | <HTTP status>, "times"?: n, "afterProcessing"?: boolean }' } };
      }
      const { code, times = 1, afterProcessing = false } = request;
      if (!(typeof code === 'string' && code !== '') && !(Number.isInteger(code) && (code as number) >= 400 && (code as number) < 600)) {
        return { statusCode: 400, body: { error: 'code must be a Wazzup error code (BAD_CONTACT) or an HTTP status 400-599' } };
      }
      if (!Number.isInteger(times) || (times as number) < 1) return { statusCode: 400, body: { error: 'times must be a positive integer' } };
      box.failNext(code as string | number, { times: times as number, match: 'message', afterProcessing: afterProcessing === true });
      return { statusCode: 200, body: { failing: { code, times, afterProcessing: afterProcessing === true } } };
    },
    [`GET ${WAZZUP_SENT_PATH}`]: async () => {
      const box = sandbox();
      return box ? { statusCode: 200, body: { sent: box.sent.map(({ body: _b, ...rest }) => rest) } } : noSandbox;
    },
  };
}
