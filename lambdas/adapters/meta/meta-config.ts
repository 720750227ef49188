// The non-secret Meta settings the token and diagnostics code reads from the environment. In AWS the stack
// sets META_APP_ID (context metaAppId) and PHONE_NUMBER_ID (context phoneNumberId); locally the same names or
// WHATSAPP_PHONE_NUMBER_ID work, and GRAPH_BASE_URL points the Graph client at the sandbox.
import { getAccessToken } from './access-token.js';
import { optionalEnv } from '../runtime/env.js';
import { GraphClient, type GraphClientConfig } from './graph-client.js';

export interface MetaConfig {
  appId?: string;
  phoneNumberId?: string;
  /** `timeoutMs`: GRAPH_TIMEOUT_MS, per Graph call (the client's default is 10 s). */
  graph: { baseUrl?: string; version?: string; timeoutMs?: number };
}

export function metaConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MetaConfig {
  const config: MetaConfig = { graph: {} };
  const appId = optionalEnv('META_APP_ID', env);
  const phoneNumberId = optionalEnv('PHONE_NUMBER_ID', env) ?? optionalEnv('WHATSAPP_PHONE_NUMBER_ID', env);
  const baseUrl = optionalEnv('GRAPH_BASE_URL', env);
  const version = optionalEnv('GRAPH_API_VERSION', env);
  if (appId) config.appId = appId.trim();
  if (phoneNumberId) config.phoneNumberId = phoneNumberId.trim();
  if (baseUrl) config.graph.baseUrl = baseUrl;
  if (version) config.graph.version = version;
  const timeout = optionalEnv('GRAPH_TIMEOUT_MS', env);
  if (timeout !== undefined) {
    const ms = Number(timeout);
    if (!Number.isInteger(ms) || ms < 100 || ms > 60_000) throw new Error(`GRAPH_TIMEOUT_MS must be whole milliseconds from 100 to 60000, got "${timeout}"`);
    config.graph.timeoutMs = ms;
  }
  return config;
}

/** The Graph client a Lambda sends with: the container's cached access token, GRAPH_BASE_URL and GRAPH_API_VERSION. */
export function graphClientFromEnv(env: NodeJS.ProcessEnv = process.env, extra: Pick<GraphClientConfig, 'mediaAllowOrigins'> = {}): GraphClient {
  return new GraphClient({ getToken: getAccessToken, ...metaConfigFromEnv(env).graph, ...extra });
}
