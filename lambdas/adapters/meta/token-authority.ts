// Meta's token endpoints for the rotation and the expiry watch, over the Graph client. Every call uses the
// token it is given, never the container's cached one: the rotation tests a token nobody uses yet.
import type { TokenFacts } from '../../domain/token/token-health.js';
import { wabaIdsOf } from '../../domain/token/token-health.js';
import type { TokenAuthority } from '../../domain/token/token-rotation.js';
import { GraphClient, GraphError, type GraphClientConfig } from './graph-client.js';
import { metaConfigFromEnv } from './meta-config.js';
import { createSecretReader } from '../secrets/secrets.js';

export interface TokenAuthorityConfig {
  /** Base URL, version and fetch of the Graph client (the sandbox's URL in local mode and tests). */
  graph?: Omit<GraphClientConfig, 'getToken'>;
  /** Meta app id (context metaAppId / META_APP_ID). Without it debug_token authenticates with the token itself. */
  appId?: string;
  appSecret: () => Promise<string>;
  /** The phone number the probe reads; without it the first phone number of the first visible WABA. */
  phoneNumberId?: string;
}

export class AppIdMissing extends Error {
  override readonly name = 'AppIdMissing';
}

export function graphFor(token: string, graph: Omit<GraphClientConfig, 'getToken'> = {}): GraphClient {
  return new GraphClient({ ...graph, getToken: async () => token });
}

export function createTokenAuthority(config: TokenAuthorityConfig): TokenAuthority & { appToken(): Promise<string | undefined> } {
  const requireAppId = (what: string): string => {
    if (!config.appId) throw new AppIdMissing(`${what} needs the Meta app id: deploy with -c metaAppId=<app id> (locally: META_APP_ID)`);
    return config.appId;
  };
  const appToken = async (): Promise<string | undefined> => (config.appId ? `${config.appId}|${await config.appSecret()}` : undefined);

  async function inspect(token: string): Promise<TokenFacts> {
    const app = await appToken();
    try {
      return await graphFor(token, config.graph).debugToken(token, app);
    } catch (error) {
      // Without an app token the token debugs itself, and a dead token cannot: that is the answer, not a failure.
      if (!app && error instanceof GraphError && error.code === 190) {
        const reason: NonNullable<TokenFacts['error']> = { code: 190, message: error.error.message };
        if (error.error.subcode !== undefined) reason.subcode = error.error.subcode;
        return { isValid: false, scopes: [], granularScopes: [], error: reason };
      }
      throw error;
    }
  }

  return {
    appToken,
    inspect,

    async refresh(token) {
      const appId = requireAppId('refreshing the token');
      const out = await graphFor(token, config.graph).exchangeToken({ appId, appSecret: await config.appSecret(), token });
      return { token: out.accessToken, ...(out.expiresIn !== undefined ? { expiresInSeconds: out.expiresIn } : {}) };
    },

    async probe(token) {
      const graph = graphFor(token, config.graph);
      if (config.phoneNumberId) {
        const phone = await graph.getPhoneNumber(config.phoneNumberId, ['id', 'display_phone_number', 'verified_name']);
        if (typeof phone['display_phone_number'] !== 'string') throw new Error(`GET /${config.phoneNumberId} did not return a phone number`);
        return `phone number ${config.phoneNumberId} (${phone['display_phone_number']})`;
      }
      const [waba] = wabaIdsOf(await inspect(token));
      if (!waba) throw new Error('no phone number id is configured and debug_token lists no WhatsApp Business Account to read');
      const numbers = await graph.listPhoneNumbers(waba, ['id', 'display_phone_number']);
      return `${numbers.length} phone number(s) of WABA ${waba}`;
    },

    async revoke(token) {
      const appId = requireAppId('revoking a token');
      const out = await graphFor(token, config.graph).revokeToken({ appId, appSecret: await config.appSecret(), token });
      if (!out.success) throw new Error('oauth/revoke did not report success');
    },
  };
}

/** The rotation's and the watch's authority: the Meta settings of the environment, the app secret from its secret. */
export function tokenAuthorityFromEnv(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof createTokenAuthority> {
  const config = metaConfigFromEnv(env);
  const secrets = createSecretReader({ env });
  return createTokenAuthority({
    graph: config.graph,
    appSecret: () => secrets.get('appSecret'),
    ...(config.appId ? { appId: config.appId } : {}),
    ...(config.phoneNumberId ? { phoneNumberId: config.phoneNumberId } : {}),
  });
}
