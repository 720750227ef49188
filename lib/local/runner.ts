// Local mode: the routes of resources.ts on one HTTP port, served by the same handlers as in AWS, with
// dynalite as DynamoDB. Later pieces (queue pollers, sandboxes) plug in as LocalServices.
import { asInvocation } from './invocation.js';
import { secretsEqual } from '../../lambdas/domain/shared/secret-compare.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { functions, secrets, tables, type TableName } from '../resources.js';
import { toApiEvent, writeResult } from './api-event.js';
import { DEFAULT_HOST, DEFAULT_PORT, LOCAL_TABLE_PREFIX, localSettings, type LocalSetting } from './defaults.js';
import { lockDataDir } from './data-dir-lock.js';
import { startDynalite } from './dynalite-server.js';
import { httpHandlers, type HttpHandler } from './handlers.js';
import { createRouter } from './router.js';
import { StartupError } from './startup-error.js';
import { ensureTables } from './tables.js';

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TOO_LARGE = `the body is over ${MAX_BODY_BYTES} bytes, the most API Gateway accepts`;

export interface LocalContext {
  settings: Record<LocalSetting, string>;
  tableNames: Record<TableName, string>;
  dynamoEndpoint: string;
  dataDir?: string;
}

export interface LocalService {
  name: string;
  /** Runs after the tables exist and before the handlers load; `env` it returns is set for the handlers. */
  start(ctx: LocalContext): Promise<{
    close(): Promise<void>;
    env?: Record<string, string>;
    info?: string[];
    /** Called once the HTTP server listens, with its URL (a sandbox that calls the local webhook needs it). */
    ready?(stack: { url: string }): void | Promise<void>;
  }>;
}

export interface StartLocalOptions {
  /** 0 picks a free port. Default 3000. */
  port?: number;
  host?: string;
  /** Where dynalite keeps its data; `null` keeps it in memory. */
  dataDir?: string | null;
  /** Where settings (WHATSAPP_*, ADMIN_TOKEN) are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
  services?: LocalService[];
  /** Routes that exist only locally (never in AWS), keyed `METHOD /path`; admin-authenticated like admin routes. */
  localRoutes?: Record<string, LocalRoute>;
}

export interface LocalStack extends LocalContext {
  url: string;
  port: number;
  /** Lines worth printing: URLs, values, what each service does. */
  info: string[];
  close(): Promise<void>;
}

/** A local-only route: `POST /local/media` (lib/local/card-media.ts) lets `wa simulate image` upload a file. */
export type LocalRoute = (request: { body: Buffer; contentType: string | undefined; query: URLSearchParams }) => Promise<{ statusCode: number; body: unknown }>;

let started = false;

export async function startLocal(options: StartLocalOptions = {}): Promise<LocalStack> {
  // Handlers and their SDK clients are module singletons bound to the first run's endpoint and tables.
  if (started) throw new Error('startLocal can run once per process (handlers keep their first configuration)');
  started = true;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((e) => console.error('close failed:', e));
    closers.length = 0;
  };
  try {
    const settings = localSettings(options.env ?? process.env);
    const dataDir = options.dataDir === null ? undefined : resolve(options.dataDir ?? '.data');
    const host = options.host ?? DEFAULT_HOST;
    const port = options.port ?? DEFAULT_PORT;
    // Both checked before seconds of start-up, so a second `npm start` says why at once.
    if (port !== 0) await assertPortFree(port, host);
    if (dataDir) closers.push(lockDataDir(dataDir).release);
    const dynamo = await startDynalite(dataDir ? { path: resolve(dataDir, 'dynamodb') } : {});
    closers.push(dynamo.close);

    const tableNames = Object.fromEntries(
      Object.keys(tables).map((t) => [t, `${LOCAL_TABLE_PREFIX}-${t}`]),
    ) as Record<TableName, string>;
    configureEnvironment(settings, tableNames, dynamo.endpoint);
    const admin = new DynamoDBClient({ endpoint: dynamo.endpoint });
    await ensureTables(admin, tableNames);
    admin.destroy();

    const ctx: LocalContext = { settings, tableNames, dynamoEndpoint: dynamo.endpoint, ...(dataDir ? { dataDir } : {}) };
    const info: string[] = [];
    const readies: NonNullable<Awaited<ReturnType<LocalService['start']>>['ready']>[] = [];
    for (const service of options.services ?? []) {
      const running = await service.start(ctx);
      closers.push(running.close);
      Object.assign(process.env, running.env ?? {});
      info.push(...(running.info ?? []));
      if (running.ready) readies.push(running.ready.bind(running));
    }

    const handlers = Object.fromEntries(
      await Promise.all(Object.entries(httpHandlers).map(async ([name, load]) => [name, (await load()).handler])),
    ) as Record<keyof typeof functions, HttpHandler>;
    const route = createRouter();
    const server = createServer((req, res) => {
      serve(req, res, route, handlers, settings.ADMIN_TOKEN, options.localRoutes).catch((error) => {
        console.error('local runner: request failed', error);
        if (!res.headersSent) writeResult(res, { statusCode: 500, body: JSON.stringify({ error: 'local runner failed' }) });
      });
    });
    await new Promise<void>((ok, fail) => {
      server.once('error', (error) => fail(listenError(error, port, host)));
      server.listen(port, host, () => ok());
    });
    closers.push(
      () =>
        new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        }),
    );
    const bound = (server.address() as AddressInfo).port;
    const url = `http://${host}:${bound}`;
    for (const ready of readies) await ready({ url });
    return { ...ctx, url, port: bound, info, close: closeAll };
  } catch (error) {
    await closeAll();
    started = false;
    throw error;
  }
}

/** EADDRINUSE / EACCES as the sentence a user needs; anything else as it is. */
function listenError(error: Error, port: number, host: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new StartupError(`port ${port} on ${host} is in use (another npm start?): stop it, or set PORT to another port`);
  if (code === 'EACCES') return new StartupError(`port ${port} on ${host} needs privileges: set PORT to a port above 1023`);
  if (code === 'EADDRNOTAVAIL') return new StartupError(`HOST ${host} is not an address of this machine`);
  return error;
}

async function assertPortFree(port: number, host: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((ok, fail) => {
    probe.once('error', (error) => fail(listenError(error, port, host)));
    probe.listen(port, host, () => ok());
  });
  await new Promise((ok) => probe.close(ok));
}

function configureEnvironment(settings: Record<LocalSetting, string>, tableNames: Record<TableName, string>, endpoint: string): void {
  Object.assign(process.env, settings);
  for (const [table, name] of Object.entries(tableNames)) process.env[tables[table as TableName].envVar] = name;
  // Locally a secret is its plain variable: an ARN left in the shell must not send reads to real AWS.
  for (const spec of Object.values(secrets)) delete process.env[spec.arnEnvVar];
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  process.env.AWS_REGION ||= 'us-east-1';
  // dynalite ignores credentials, but the SDK wants some; never the user's real ones.
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  route: ReturnType<typeof createRouter>,
  handlers: Record<string, HttpHandler>,
  adminToken: string,
  localRoutes: Record<string, LocalRoute> = {},
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const local = localRoutes[`${req.method ?? 'GET'} ${url.pathname}`];
  if (local) {
    const problem = adminAuthProblem(req.headers.authorization, adminToken);
    const body = problem ? undefined : await readBody(req);
    if (problem) req.resume();
    const result = problem
      ? { statusCode: 401, body: { error: problem } }
      : body
        ? await local({ body, contentType: req.headers['content-type'], query: url.searchParams })
        : { statusCode: 413, body: { error: TOO_LARGE } };
    writeResult(res, { statusCode: result.statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result.body) });
    return;
  }
  const found = route(req.method ?? 'GET', url.pathname);
  if (!('match' in found)) {
    req.resume();
    const error = found.status === 405
      ? `method ${req.method} not allowed on ${url.pathname}; allowed: ${found.allowed.join(', ')}`
      : `no route ${req.method} ${url.pathname}`;
    writeResult(res, { statusCode: found.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error }) });
    return;
  }
  const { match } = found;
  if (match.route.auth === 'admin') {
    const problem = adminAuthProblem(req.headers.authorization, adminToken);
    if (problem) {
      req.resume();
      writeResult(res, { statusCode: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }, body: JSON.stringify({ error: problem }) });
      return;
    }
  }
  const body = await readBody(req);
  if (!body) {
    writeResult(res, { statusCode: 413, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: TOO_LARGE }) });
    return;
  }
  const handler = handlers[match.route.function];
  if (!handler) throw new Error(`no handler for function ${match.route.function}`);
  writeResult(res, await asInvocation(() => handler(toApiEvent(req, body, match, url))));
}

function adminAuthProblem(authorization: string | undefined, token: string): string | undefined {
  if (!authorization) return 'admin routes need the header "Authorization: Bearer <ADMIN_TOKEN>"';
  const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!m?.[1]) return 'Authorization must be "Bearer <ADMIN_TOKEN>"';
  if (!secretsEqual(m[1], token)) return 'the bearer token does not match ADMIN_TOKEN';
  return undefined;
}

/**
 * The body, or undefined when it is over API Gateway's cap. An oversized body is still read to its end (and
 * dropped) rather than abandoned: leaving the for-await loop early destroys the request, and the client's
 * keep-alive connection then dies under its next request with ECONNRESET.
 */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      chunks.length = 0;
      continue;
    }
    chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}
