// Where the `wa` CLI finds a running `npm start`: $WA_API when it names this machine, else 127.0.0.1:$PORT (the
// variable `npm start` reads), else port 3000. Every message about it names the address tried and where it
// came from, so a runner on another port is a variable away, not a mystery.
import { DEFAULT_HOST, DEFAULT_PORT, localSettings } from '../local/defaults.js';
import { LOCAL_INFO_PATH, type LocalInfo } from '../local/local-info.js';
import { isLoopback } from './loopback.js';

export interface LocalAddress {
  /** Base URL without a trailing slash. */
  url: string;
  /** Where the address came from, for messages: `WA_API`, `PORT=3217`, `the default port 3000`. */
  source: string;
}

export function localAddress(env: NodeJS.ProcessEnv): LocalAddress {
  const api = env['WA_API']?.trim();
  if (api && isLoopback(api)) return { url: api.replace(/\/+$/, ''), source: 'WA_API' };
  const port = env['PORT']?.trim();
  if (port && /^\d{1,5}$/.test(port)) return { url: `http://${DEFAULT_HOST}:${port}`, source: `PORT=${port}` };
  return { url: `http://${DEFAULT_HOST}:${DEFAULT_PORT}`, source: `the default port ${DEFAULT_PORT}; set PORT or WA_API for another` };
}

/** "http://127.0.0.1:3217 (from PORT=3217)": for messages about an address that did not answer. */
export function describeAddress(address: LocalAddress): string {
  return `${address.url} (${address.source.startsWith('the default') ? address.source : `from ${address.source}`})`;
}

/**
 * "cannot connect to <origin>: ECONNREFUSED", and when the address was the local runner's default (no flag named
 * it), where that address came from.
 */
export function cannotConnect(url: string | URL, error: unknown, local?: LocalAddress): string {
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  const where = local ? ` (is npm start running? \`wa\` looks for it at ${describeAddress(local)})` : '';
  return `cannot connect to ${new URL(url).origin}: ${why}${where}`;
}

export async function localRunnerAnswers(address: LocalAddress): Promise<boolean> {
  try {
    // Nothing listening is refused at once; the timeout is only for a runner that is busy (a card's OCR).
    const res = await fetch(`${address.url}/health`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** What the runner at `address` says about its sandboxes; undefined when nothing answers there. */
export async function localRunnerInfo(address: LocalAddress, env: NodeJS.ProcessEnv): Promise<LocalInfo | undefined> {
  try {
    const res = await fetch(`${address.url}${LOCAL_INFO_PATH}`, {
      headers: { authorization: `Bearer ${localSettings(env).ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    return (await res.json()) as LocalInfo;
  } catch {
    return undefined;
  }
}

export interface SandboxEnv {
  env: NodeJS.ProcessEnv;
  /** Why the variables could not be filled in, for the command's "X is not set" message. */
  missing?: string;
}

/**
 * The environment for a command that talks to Graph itself (accounts, token, diagnose without a target): as
 * given when WHATSAPP_ACCESS_TOKEN or GRAPH_BASE_URL is set; else, when `npm start` runs a Graph sandbox, its
 * URL, app id and the local defaults (a token the user gave `npm start` is not handed out: say so).
 */
export async function withGraphSandbox(env: NodeJS.ProcessEnv): Promise<SandboxEnv> {
  if (env['WHATSAPP_ACCESS_TOKEN']?.trim() || env['GRAPH_BASE_URL']?.trim()) return { env };
  const address = localAddress(env);
  const info = await localRunnerInfo(address, env);
  if (!info) return { env, missing: `no npm start answered at ${describeAddress(address)} to lend its Graph sandbox` };
  if (!info.graph.sandbox) return { env, missing: `the npm start at ${address.url} talks to the real Graph API: export the same WHATSAPP_ACCESS_TOKEN here` };
  if (!info.graph.accessToken) return { env, missing: `the npm start at ${address.url} uses a WHATSAPP_ACCESS_TOKEN you set: export the same one here` };
  console.error(`(using the Graph sandbox of the npm start at ${address.url}: ${info.graph.url})`);
  return {
    env: {
      ...localSettings(env),
      WHATSAPP_ACCESS_TOKEN: info.graph.accessToken,
      WHATSAPP_PHONE_NUMBER_ID: info.graph.phoneNumberId,
      META_APP_ID: info.graph.appId,
      GRAPH_BASE_URL: info.graph.url,
      ...env,
    },
  };
}

/** Likewise for Wazzup24: the running sandbox's WAZZUP_API_KEY, WAZZUP_BASE_URL (and local webhook secret) when no key is set. */
export async function withWazzupSandbox(env: NodeJS.ProcessEnv): Promise<SandboxEnv> {
  if (env['WAZZUP_API_KEY']?.trim()) return { env };
  const address = localAddress(env);
  const info = await localRunnerInfo(address, env);
  if (!info) return { env, missing: `no npm start answered at ${describeAddress(address)} to lend its Wazzup24 sandbox` };
  if (!info.wazzup.sandbox) return { env, missing: `the npm start at ${address.url} talks to the real Wazzup24 API: export the same WAZZUP_API_KEY here` };
  if (!info.wazzup.apiKey) return { env, missing: `the npm start at ${address.url} uses a WAZZUP_API_KEY you set: export the same one here` };
  console.error(`(using the Wazzup24 sandbox of the npm start at ${address.url}: ${info.wazzup.url})`);
  return {
    env: {
      WAZZUP_API_KEY: info.wazzup.apiKey,
      WAZZUP_BASE_URL: info.wazzup.url,
      ...(info.wazzup.webhookSecret ? { WAZZUP_WEBHOOK_SECRET: info.wazzup.webhookSecret } : {}),
      ...env,
    },
  };
}
