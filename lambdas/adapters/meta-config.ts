// The non-secret Meta settings the token and diagnostics code reads from the environment. In AWS the stack
// sets META_APP_ID (context metaAppId) and PHONE_NUMBER_ID (context phoneNumberId); locally the same names or
// WHATSAPP_PHONE_NUMBER_ID work, and GRAPH_BASE_URL points the Graph client at the sandbox.
import { optionalEnv } from './env.js';

export interface MetaConfig {
  appId?: string;
  phoneNumberId?: string;
  graph: { baseUrl?: string; version?: string };
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
  return config;
}
