// Which Graph API local mode talks to, as a LocalService:
// - the Graph sandbox (lib/local/graph-sandbox.ts) when no real access token is set, or GRAPH_BASE_URL=sandbox:
//   it accepts the local token, knows the local phone number id, and sends its signed status webhooks
//   (sent, delivered, read) to the local webhook once the runner listens;
// - otherwise GRAPH_BASE_URL when set (a proxy, a recorder), else the real https://graph.facebook.com.
import { registerSandboxOrigin } from './sandbox-origins.js';
import { DEFAULT_APP_ID, MANAGEMENT_SCOPE } from './graph-sandbox-accounts.js';
import { startGraphSandbox, type GraphSandbox, type GraphSandboxOptions } from './graph-sandbox.js';
import type { LocalRoute, LocalService } from './runner.js';

export const GRAPH_SANDBOX_KEYWORD = 'sandbox';
/** Tokens the local sandbox also knows, so `wa diagnose` can be seen failing the way real accounts fail. */
export const LOCAL_EXPIRED_TOKEN = 'local-expired-token';
export const LOCAL_NO_MANAGEMENT_SCOPE_TOKEN = 'local-no-management-scope-token';
export const DEFAULT_STATUS_DELAY_MS = 500;

export type GraphTarget = { kind: 'sandbox' } | { kind: 'real'; baseUrl: string };

/** `env` is the user's environment before local defaults are filled in. */
export function graphTarget(env: NodeJS.ProcessEnv): GraphTarget {
  const base = env.GRAPH_BASE_URL?.trim();
  if (base === GRAPH_SANDBOX_KEYWORD || !env.WHATSAPP_ACCESS_TOKEN) return { kind: 'sandbox' };
  return { kind: 'real', baseUrl: base || 'https://graph.facebook.com' };
}

export interface GraphService extends LocalService {
  /** The running sandbox (tests inspect `sent`, inject failures); undefined with real Graph or before start. */
  readonly sandbox: GraphSandbox | undefined;
}

export function graphService(env: NodeJS.ProcessEnv, options: { statusDelayMs?: number; port?: number } = {}): GraphService {
  let sandbox: GraphSandbox | undefined;
  return {
    name: 'graph',
    get sandbox() {
      return sandbox;
    },
    async start(ctx) {
      const target = graphTarget(env);
      if (target.kind === 'real') {
        return {
          env: { GRAPH_BASE_URL: target.baseUrl },
          info: [`  graph     ${target.baseUrl} (real Graph API: WHATSAPP_ACCESS_TOKEN is set)`],
          close: async () => undefined,
        };
      }
      const delayText = env.GRAPH_SANDBOX_STATUS_DELAY_MS;
      const statusDelayMs = options.statusDelayMs ?? (delayText && /^\d+$/.test(delayText) ? Number(delayText) : DEFAULT_STATUS_DELAY_MS);
      const portText = env.GRAPH_SANDBOX_PORT;
      const sandboxOptions: GraphSandboxOptions = {
        appSecret: ctx.settings.WHATSAPP_APP_SECRET,
        accessToken: ctx.settings.WHATSAPP_ACCESS_TOKEN,
        statusDelayMs,
        port: options.port ?? (portText && /^\d+$/.test(portText) ? Number(portText) : 0),
        // The sandbox's one business number answers to the local phone number id, so replies to simulated
        // customers (sent from the number they wrote to) are accepted.
        accounts: (model) => {
          const phone = model.wabas[0]?.phoneNumbers[0];
          if (phone) phone.id = ctx.settings.WHATSAPP_PHONE_NUMBER_ID;
          const valid = model.tokens[0];
          if (valid) {
            const now = Math.floor(Date.now() / 1000);
            model.tokens.push(
              { ...valid, token: LOCAL_EXPIRED_TOKEN, issuedAt: now - 61 * 86_400, expiresAt: now - 86_400 },
              { ...valid, token: LOCAL_NO_MANAGEMENT_SCOPE_TOKEN, scopes: valid.scopes.filter((s) => s !== MANAGEMENT_SCOPE) },
            );
          }
          return model;
        },
      };
      sandbox = await startGraphSandbox(sandboxOptions);
      const running = sandbox;
      registerSandboxOrigin(running.url);
      // The sandbox's app, so rotation and the app checks of `wa diagnose --local` have an app id.
      const serviceEnv: Record<string, string> = { GRAPH_BASE_URL: running.url, META_APP_ID: env.META_APP_ID || DEFAULT_APP_ID };
      return {
        env: serviceEnv,
        info: [
          `  graph     ${running.url} (Graph sandbox: records sends, answers with status webhooks after ${statusDelayMs} ms;`,
          '            set WHATSAPP_ACCESS_TOKEN for the real Graph API)',
          `            WABA ${running.accounts.wabas[0]?.id ?? '?'}; also knows the tokens ${LOCAL_EXPIRED_TOKEN} and ${LOCAL_NO_MANAGEMENT_SCOPE_TOKEN}:`,
          `            GRAPH_BASE_URL=${running.url} WHATSAPP_ACCESS_TOKEN=${LOCAL_EXPIRED_TOKEN} npx wa diagnose`,
          `            GRAPH_BASE_URL=${running.url} WHATSAPP_PHONE_NUMBER_ID=${running.accounts.wabas[0]?.id ?? '?'} npx wa diagnose   (a WABA id)`,
        ],
        // The sandbox reads `webhookUrl` when it schedules statuses, so it can be given once the runner listens.
        ready({ url }) {
          sandboxOptions.webhookUrl = `${url}/webhooks/whatsapp`;
        },
        close: () => running.close(),
      };
    },
  };
}

export const SANDBOX_FAIL_PATH = '/local/graph/fail';
export const SANDBOX_SENT_PATH = '/local/graph/sent';
export const SANDBOX_STALL_PATH = '/local/graph/stall';

/** Local-only routes (never deployed) that let a person or a script steer the running Graph sandbox:
 *  `POST /local/graph/fail` `{ code, times?, httpStatus? }` makes the next message sends fail with a Meta
 *  error code; `POST /local/graph/stall` `{ ms, times? }` holds the next message sends for `ms` (a client that
 *  times out meanwhile gets nothing sent); `GET /local/graph/sent` lists what the sandbox accepted, newest last. */
export function sandboxControlRoutes(sandbox: () => GraphSandbox | undefined): Record<string, LocalRoute> {
  const noSandbox = { statusCode: 409, body: { error: 'local mode talks to the real Graph API (WHATSAPP_ACCESS_TOKEN is set): there is no sandbox to steer' } };
  const invalid = (error: string) => ({ statusCode: 400, body: { error } });
  /** A steering route: the running sandbox, a JSON body (`shape` in the error when it is not) and its `times` (default 1). */
  const steering =
    (shape: string, apply: (box: GraphSandbox, request: Record<string, unknown>, times: number) => Awaited<ReturnType<LocalRoute>>): LocalRoute =>
    async ({ body }) => {
      const box = sandbox();
      if (!box) return noSandbox;
      let request: Record<string, unknown>;
      try {
        request = (JSON.parse(body.toString('utf8')) ?? {}) as Record<string, unknown>;
      } catch {
        return invalid(`body must be JSON: ${shape}`);
      }
      const times = request['times'] ?? 1;
      if (!Number.isInteger(times) || (times as number) < 1) return invalid('times must be a positive integer');
      return apply(box, request, times as number);
    };
  return {
    [`POST ${SANDBOX_FAIL_PATH}`]: steering('{ "code": <Meta error code>, "times"?: n, "httpStatus"?: n }', (box, { code, httpStatus }, times) => {
      if (!Number.isInteger(code)) return invalid('code must be a Meta error code (an integer such as 130429)');
      if (httpStatus !== undefined && !(Number.isInteger(httpStatus) && (httpStatus as number) >= 400 && (httpStatus as number) < 600)) {
        return invalid('httpStatus must be an HTTP error status (400-599)');
      }
      box.failNext(code as number, { times, match: 'messages', ...(httpStatus !== undefined ? { httpStatus: httpStatus as number } : {}) });
      return { statusCode: 200, body: { failing: { code, times, match: 'messages' } } };
    }),
    [`POST ${SANDBOX_STALL_PATH}`]: steering('{ "ms": <milliseconds>, "times"?: n }', (box, { ms }, times) => {
      if (!Number.isInteger(ms) || (ms as number) < 1 || (ms as number) > 600_000) return invalid('ms must be a whole number of milliseconds from 1 to 600000');
      box.stallNext({ ms: ms as number, times, match: 'messages' });
      return { statusCode: 200, body: { stalling: { ms, times, match: 'messages' } } };
    }),
    [`GET ${SANDBOX_SENT_PATH}`]: async () => {
      const box = sandbox();
      return box ? { statusCode: 200, body: { sent: box.sent } } : noSandbox;
    },
  };
}
