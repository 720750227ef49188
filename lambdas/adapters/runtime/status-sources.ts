// Where the system's state is read from (GET /status, an admin's `/status`): SQS queue attributes, debug_token
// on the configured access token (the token inspecting itself: no app secret is needed, so these functions are
// not granted it), the inbound heartbeat item, and Wazzup24's channel list when an API key is set.
import type { StatusSources } from '../../domain/operations/system-status.js';
import { createInboundHeartbeat } from '../dynamo/inbound-heartbeat.js';
import { dynamo } from '../dynamo/dynamo-client.js';
import { createTokenAuthority } from '../meta/token-authority.js';
import { metaConfigFromEnv } from '../meta/meta-config.js';
import { queueDepthsFromEnv } from '../queues/queue-depths.js';
import { createSecretReader, type SecretReader } from '../secrets/secrets.js';
import { wazzupClientFromEnv } from '../wazzup/wazzup-channel.js';
import { tableNameFromEnv } from './env.js';

export function statusSourcesFromEnv(env: NodeJS.ProcessEnv = process.env, reader: SecretReader = createSecretReader({ env })): StatusSources {
  const config = metaConfigFromEnv(env);
  // No appId: debug_token is then asked with the token itself, and a dead token answers "invalid", not an error.
  const authority = createTokenAuthority({ graph: config.graph, appSecret: async () => '' });
  const heartbeat = createInboundHeartbeat(dynamo, tableNameFromEnv('messages', env));
  const secret = async (name: 'accessToken' | 'wazzupApiKey') => (await reader.get(name).catch(() => '')).trim();
  return {
    queues: queueDepthsFromEnv(env),
    async token() {
      const token = await secret('accessToken');
      return token ? authority.inspect(token) : undefined;
    },
    lastInbound: () => heartbeat.lastInbound(),
    async channels() {
      if (!(await secret('wazzupApiKey'))) return undefined;
      const list = await wazzupClientFromEnv(reader, env).listChannels();
      return list.map((c) => ({ channelId: c.channelId, state: c.state, ...(c.transport ? { transport: c.transport } : {}) }));
    },
  };
}
