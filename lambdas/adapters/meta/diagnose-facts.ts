// Gathers what diagnostics and `wa accounts` need from Graph: debug_token, the WABAs the token can see with
// their phone numbers, the configured phone number, the subscribed apps. Every failure is recorded as a fact
// (with the hint graph-errors.ts maps for it) rather than thrown, so one broken piece never hides the rest.
import type { DiagnoseFacts, FetchFailure, PhoneNumberFacts, WabaFacts } from '../../domain/diagnose/diagnose.js';
import type { WazzupFacts } from '../../domain/diagnose/wazzup-diagnose.js';
import type { AppSubscription } from '../../domain/diagnose/webhook-subscription.js';
import { wazzupClientFromEnv } from '../wazzup/wazzup-channel.js';
import { WazzupError } from '../wazzup/wazzup-client.js';
import { wabaIdsOf, type TokenFacts } from '../../domain/token/token-health.js';
import { tokenLifecycle } from '../../../lib/resources.js';
import { createAccessTokenSource } from './access-token.js';
import { optionalEnv } from '../runtime/env.js';
import { GraphError, type GraphClient } from './graph-client.js';
import { metaConfigFromEnv } from './meta-config.js';
import { createSecretReader, type SecretReader } from '../secrets/secrets.js';
import { createTokenAuthority, graphFor } from './token-authority.js';

/** Fields asked of every phone number; all exist on Graph's WhatsAppBusinessPhoneNumber node. */
export const PHONE_FIELDS = ['id', 'display_phone_number', 'verified_name', 'name_status', 'status', 'quality_rating', 'messaging_limit_tier', 'throughput'];

/** More WABAs than this would mean hundreds of calls; diagnostics only need to find the configured number. */
const MAX_WABAS = 25;

export interface FactSources {
  /** undefined when no token is configured. */
  readToken: () => Promise<string | undefined>;
  /** debug_token for the token (with the app token when the app id is known). */
  inspect: (token: string) => Promise<TokenFacts>;
  /** A Graph client authenticated with the token. */
  graphFor: (token: string) => GraphClient;
  appId?: string;
  phoneNumberId?: string;
  secretIsSet: (name: 'verifyToken' | 'appSecret') => Promise<boolean>;
  /** `{app-id}|{app-secret}` for the app's own edges (GET /{app-id}/subscriptions); undefined without both. */
  appToken?: () => Promise<string | undefined>;
  /** Where this deployment receives Meta's webhooks, when known (WEBHOOK_CALLBACK_URL, or the API's own URL). */
  callbackUrl?: string;
  /** The Wazzup24 facts; resolves undefined when Wazzup24 is not configured (no API key). */
  wazzup?: () => Promise<WazzupFacts | undefined>;
}

export function failureOf(error: unknown): FetchFailure {
  if (error instanceof GraphError) return { code: error.code, message: error.error.message, hint: error.error.hint };
  return { code: -1, message: error instanceof Error ? error.message : String(error) };
}

export function phoneFacts(raw: Record<string, unknown>): PhoneNumberFacts {
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  const out: PhoneNumberFacts = { id: String(raw['id'] ?? '') };
  const set = (key: keyof PhoneNumberFacts, value: string | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('displayPhoneNumber', str('display_phone_number'));
  set('verifiedName', str('verified_name'));
  set('nameStatus', str('name_status'));
  set('status', str('status'));
  set('qualityRating', str('quality_rating'));
  set('messagingLimitTier', str('messaging_limit_tier') ?? str('whatsapp_business_manager_messaging_limit'));
  const throughput = raw['throughput'];
  if (throughput && typeof throughput === 'object' && typeof (throughput as Record<string, unknown>)['level'] === 'string') {
    out.throughputLevel = (throughput as Record<string, string>)['level'];
  }
  return out;
}

/** Each WABA with its name and phone numbers, in the order debug_token lists them (newest first). */
export async function discoverAccounts(graph: GraphClient, wabaIds: string[]): Promise<WabaFacts[]> {
  return Promise.all(
    wabaIds.slice(0, MAX_WABAS).map(async (id): Promise<WabaFacts> => {
      const waba: WabaFacts = { id, phoneNumbers: [] };
      const [info, numbers] = await Promise.allSettled([graph.getBusinessAccount(id, ['id', 'name']), graph.listPhoneNumbers(id, PHONE_FIELDS)]);
      if (info.status === 'fulfilled' && typeof info.value['name'] === 'string') waba.name = info.value['name'];
      if (numbers.status === 'fulfilled') waba.phoneNumbers = numbers.value.map(phoneFacts);
      else waba.listError = failureOf(numbers.reason);
      return waba;
    }),
  );
}

function subscribedApps(raw: Record<string, unknown>[]): { ids: string[]; names: string[] } {
  const ids: string[] = [];
  const names: string[] = [];
  for (const entry of raw) {
    const data = (entry['whatsapp_business_api_data'] ?? entry) as Record<string, unknown>;
    if (data['id'] !== undefined) ids.push(String(data['id']));
    if (typeof data['name'] === 'string') names.push(data['name']);
  }
  return { ids, names };
}

/** A Graph error that names the WABA node type: the id asked for phone fields is a WhatsApp Business Account. */
function namesWabaNode(error: unknown): boolean {
  return error instanceof GraphError && error.code === 100 && /WhatsAppBusinessAccount/.test(`${error.error.message} ${error.error.details ?? ''}`);
}

function appSubscription(raw: Record<string, unknown>): AppSubscription {
  const fields = Array.isArray(raw['fields']) ? raw['fields'] : [];
  return {
    object: String(raw['object'] ?? ''),
    active: raw['active'] === true,
    fields: fields.map((f) => (typeof f === 'string' ? f : String((f as Record<string, unknown>)?.['name'] ?? ''))).filter(Boolean),
    ...(typeof raw['callback_url'] === 'string' ? { callbackUrl: raw['callback_url'] } : {}),
  };
}

export async function gatherDiagnoseFacts(src: FactSources): Promise<DiagnoseFacts> {
  const [facts, wazzup] = await Promise.all([gatherMetaFacts(src), src.wazzup?.()]);
  if (wazzup) facts.wazzup = wazzup;
  return facts;
}

/** Wazzup24: the channels and the registered webhook, when an API key is set. */
export async function gatherWazzupFacts(reader: Pick<SecretReader, 'get' | 'forget'>, env: NodeJS.ProcessEnv): Promise<WazzupFacts | undefined> {
  const key = (await reader.get('wazzupApiKey').catch(() => '')).trim();
  if (!key) return undefined;
  const client = wazzupClientFromEnv(reader, env);
  const secret = (await reader.get('wazzupWebhookSecret').catch(() => '')).trim();
  const channelId = optionalEnv('WAZZUP_CHANNEL_ID', env);
  const facts: WazzupFacts = {
    channels: { ok: true, list: [] },
    ...(channelId ? { channelId } : {}),
    ...(secret ? { expectedPathSuffix: `/webhooks/wazzup24/${encodeURIComponent(secret)}` } : {}),
  };
  try {
    facts.channels = { ok: true, list: (await client.listChannels()).map(({ channelId: id, transport, plainId, state }) => ({ channelId: id, transport, plainId, state })) };
  } catch (error) {
    const e = error instanceof WazzupError ? error.error : undefined;
    facts.channels = { ok: false, code: e?.code ?? 'ERROR', message: e?.message ?? String(error), hint: e?.hint ?? 'Check WAZZUP_BASE_URL and the network.' };
    return facts;
  }
  try {
    const w = await client.getWebhooks();
    facts.webhook = { ok: true, subscriptions: w.subscriptions, ...(w.webhooksUri ? { uri: w.webhooksUri } : {}) };
  } catch (error) {
    const e = error instanceof WazzupError ? error.error : undefined;
    facts.webhook = { ok: false, code: e?.code ?? 'ERROR', message: e?.message ?? String(error) };
  }
  return facts;
}

async function gatherMetaFacts(src: FactSources): Promise<DiagnoseFacts> {
  const [verifyTokenSet, appSecretSet] = await Promise.all([src.secretIsSet('verifyToken'), src.secretIsSet('appSecret')]);
  const facts: DiagnoseFacts = { tokenPresent: false, wabas: [], verifyTokenSet, appSecretSet };
  if (src.appId) facts.appId = src.appId;
  if (src.phoneNumberId) facts.phoneNumberId = src.phoneNumberId;
  if (src.callbackUrl) facts.callbackUrl = src.callbackUrl;
  const appToken = src.appId && src.appToken ? await src.appToken().catch(() => undefined) : undefined;
  if (src.appId && appToken) {
    try {
      const list = await src.graphFor(appToken).getAppSubscriptions(src.appId, appToken);
      facts.appSubscriptions = { ok: true, list: list.map(appSubscription) };
    } catch (error) {
      facts.appSubscriptions = { ok: false, failure: failureOf(error) };
    }
  }

  const token = await src.readToken().catch(() => undefined);
  if (!token) return facts;
  facts.tokenPresent = true;

  try {
    facts.debug = { ok: true, facts: await src.inspect(token) };
  } catch (error) {
    facts.debug = { ok: false, failure: failureOf(error) };
    return facts;
  }
  if (!facts.debug.facts.isValid) return facts;

  const graph = src.graphFor(token);
  const wabaIds = wabaIdsOf(facts.debug.facts);
  facts.wabas = await discoverAccounts(graph, wabaIds);

  const id = src.phoneNumberId;
  if (!id) return facts;
  if (wabaIds.includes(id)) {
    const waba = facts.wabas.find((w) => w.id === id);
    facts.configuredIdIsWaba = waba?.name ? { name: waba.name } : {};
    return facts;
  }
  try {
    facts.phone = { ok: true, facts: phoneFacts(await graph.getPhoneNumber(id, PHONE_FIELDS)) };
  } catch (error) {
    if (namesWabaNode(error)) {
      // A WABA the token's granular scopes do not list (an admin system user sees every WABA of the business).
      const info = await graph.getBusinessAccount(id, ['id', 'name']).catch(() => ({}) as Record<string, unknown>);
      facts.configuredIdIsWaba = typeof info['name'] === 'string' ? { name: info['name'] } : {};
      return facts;
    }
    facts.phone = { ok: false, failure: failureOf(error) };
    return facts;
  }

  const owner = facts.wabas.find((w) => w.phoneNumbers.some((p) => p.id === id));
  if (owner) {
    try {
      const apps = subscribedApps(await graph.getSubscribedApps(owner.id));
      owner.subscribedAppIds = apps.ids;
      owner.subscribedAppNames = apps.names;
    } catch (error) {
      owner.subscribedAppsError = failureOf(error);
    }
  }
  return facts;
}

/** The sources for a process whose environment holds the settings (a Lambda, the local runner, the CLI). */
export function sourcesFromEnv(env: NodeJS.ProcessEnv = process.env, reader: SecretReader = createSecretReader({ env, ttlMs: 0 })): FactSources {
  const config = metaConfigFromEnv(env);
  const readToken = createAccessTokenSource({ reader });
  const authority = createTokenAuthority({
    graph: config.graph,
    appSecret: () => reader.get('appSecret'),
    ...(config.appId ? { appId: config.appId } : {}),
  });
  const sources: FactSources = {
    readToken: () => readToken(),
    inspect: (token) => authority.inspect(token),
    graphFor: (token) => graphFor(token, config.graph),
    secretIsSet: async (name) => (await reader.get(name).catch(() => '')).trim() !== '',
    async appToken() {
      const secret = (await reader.get('appSecret').catch(() => '')).trim();
      return config.appId && secret ? `${config.appId}|${secret}` : undefined;
    },
    wazzup: () => gatherWazzupFacts(reader, env),
  };
  const callbackUrl = optionalEnv('WEBHOOK_CALLBACK_URL', env);
  if (callbackUrl) sources.callbackUrl = callbackUrl;
  if (config.appId) sources.appId = config.appId;
  if (config.phoneNumberId) sources.phoneNumberId = config.phoneNumberId;
  return sources;
}

export function tokenHomeFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env['ACCESS_TOKEN_ARN'] ? 'the access token secret (stack output AccessTokenName)' : 'WHATSAPP_ACCESS_TOKEN';
}

export function expiryWarnDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = optionalEnv('TOKEN_EXPIRY_WARN_DAYS', env);
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) && n > 0 ? n : tokenLifecycle.tokenExpiryWarnDays;
}
