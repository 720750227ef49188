// `GET /local/info` (local only, admin bearer): what a `wa` command in another shell needs to use the sandboxes
// of this `npm start` with no variable set: their URLs, the sandbox app, WABA, phone number and channel ids, and
// the local default credentials. A value the user set (a real token or key) is a secret of theirs and is never
// returned: the CLI then asks for the variable instead.
import { DEFAULT_APP_ID } from './graph-sandbox-accounts.js';
import type { GraphSandbox } from './graph-sandbox.js';
import { localDefaults, localSettings } from './defaults.js';
import type { LocalRoute } from './runner.js';
import { LOCAL_WAZZUP_API_KEY, LOCAL_WAZZUP_WEBHOOK_SECRET } from './wazzup-service.js';
import type { WazzupSandbox } from './wazzup-sandbox.js';

export const LOCAL_INFO_PATH = '/local/info';

export interface LocalInfo {
  graph:
    | { sandbox: true; url: string; appId: string; wabaId?: string; phoneNumberId: string; /** Only the local default. */ accessToken?: string }
    | { sandbox: false };
  wazzup:
    | { sandbox: true; url: string; channelId?: string; /** Only the local defaults. */ apiKey?: string; webhookSecret?: string }
    | { sandbox: false };
}

export interface LocalInfoSources {
  graph: () => GraphSandbox | undefined;
  wazzup: () => WazzupSandbox | undefined;
  /** The user's environment before local defaults were filled in. */
  userEnv: NodeJS.ProcessEnv;
}

export function localInfo({ graph, wazzup, userEnv }: LocalInfoSources): LocalInfo {
  const g = graph();
  const w = wazzup();
  const settings = localSettings(userEnv);
  return {
    graph: g
      ? {
          sandbox: true,
          url: g.url,
          appId: userEnv['META_APP_ID'] || DEFAULT_APP_ID,
          ...(g.accounts.wabas[0] ? { wabaId: g.accounts.wabas[0].id } : {}),
          phoneNumberId: settings.WHATSAPP_PHONE_NUMBER_ID,
          ...(userEnv['WHATSAPP_ACCESS_TOKEN'] ? {} : { accessToken: localDefaults.WHATSAPP_ACCESS_TOKEN }),
        }
      : { sandbox: false },
    wazzup: w
      ? {
          sandbox: true,
          url: w.url,
          ...(w.channels[0] ? { channelId: w.channels[0].channelId } : {}),
          ...(w.apiKey === LOCAL_WAZZUP_API_KEY ? { apiKey: w.apiKey } : {}),
          ...(userEnv['WAZZUP_WEBHOOK_SECRET'] ? {} : { webhookSecret: LOCAL_WAZZUP_WEBHOOK_SECRET }),
        }
      : { sandbox: false },
  };
}

export function localInfoRoute(sources: LocalInfoSources): Record<string, LocalRoute> {
  return { [`GET ${LOCAL_INFO_PATH}`]: async () => ({ statusCode: 200, body: localInfo(sources) }) };
}
