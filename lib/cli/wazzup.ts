// `wa wazzup`: the Wazzup24 account as this system sees it. `channels` lists the channels and their states;
// `register --api <url>` (alias --url) points the account's one webhook at this stack (PATCH /v3/webhooks with messages,
// statuses and channel updates; Wazzup first POSTs `{ test: true }` and refuses an address that does not answer
// 200). The API key comes from $WAZZUP_API_KEY, the API from $WAZZUP_BASE_URL (default api.wazzup24.com); with no
// key set, the Wazzup24 sandbox of a running npm start (lib/cli/local-runner.ts).
import { createWazzupClient, WazzupError } from '../../lambdas/adapters/wazzup/wazzup-client.js';
import { wazzupWebhookUrl } from '../local/wazzup-service.js';
import { parseCommand, usageError, UsageError, type Flags } from './args.js';
import { WAZZUP_API_KEY_MISSING, WAZZUP_TRANSPORT_ERROR } from '../../lambdas/domain/outbound/wazzup-errors.js';
import { EXIT } from './exit-codes.js';
import { withWazzupSandbox } from './local-runner.js';

const USAGE = `usage:
  wa wazzup channels                       channels of the account: id, transport, number, state
  wa wazzup register --api <url>           set the webhook to <url>/webhooks/wazzup24/<secret>
  wa wazzup webhook                        the webhook Wazzup24 has registered now
environment: WAZZUP_API_KEY, WAZZUP_BASE_URL (default https://api.wazzup24.com); with no key set, the Wazzup24
sandbox of a running npm start`;

const options = {
  api: { type: 'string', value: '<url>', description: 'register: the API base URL (the stack\'s ApiUrl output, or the local runner)' },
  url: { type: 'string', value: '<url>', description: 'alias of --api' },
  secret: { type: 'string', value: '<secret>', description: 'register: default $WAZZUP_WEBHOOK_SECRET (in AWS: the WazzupWebhookSecretName secret)' },
} as const satisfies Flags;

export async function run(args: string[], given: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, allowPositionals: true, strict: true, options }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const sub = positionals[0];
  if (sub !== 'channels' && sub !== 'webhook' && sub !== 'register') return usageError(sub ? `unknown subcommand "${sub}"` : 'say what to do: channels, webhook or register', USAGE);
  const { env, missing } = await withWazzupSandbox(given);
  const key = env['WAZZUP_API_KEY']?.trim();
  if (!key) {
    console.error(`WAZZUP_API_KEY is not set: copy the key from Wazzup > Settings > Integration with CRM${missing ? ` (${missing})` : ''}`);
    return EXIT.usage;
  }
  const client = createWazzupClient({ ...(env['WAZZUP_BASE_URL'] ? { baseUrl: env['WAZZUP_BASE_URL'] } : {}), getApiKey: async () => key });
  try {
    switch (sub) {
      case 'channels': {
        const channels = await client.listChannels();
        if (!channels.length) console.log('no channels in this Wazzup24 account');
        for (const c of channels) console.log(`${c.channelId}  ${c.transport.padEnd(9)} ${c.plainId.padEnd(15)} ${c.state}${c.state === 'active' ? '' : '   <- not active: messages will not go out'}`);
        return EXIT.done;
      }
      case 'webhook': {
        const w = await client.getWebhooks();
        console.log(JSON.stringify({ webhooksUri: w.webhooksUri ?? null, subscriptions: w.subscriptions }, null, 2));
        return EXIT.done;
      }
      case 'register': {
        const secret = v.secret ?? env['WAZZUP_WEBHOOK_SECRET'];
        if (v.api !== undefined && v.url !== undefined) throw new UsageError('give --api or its alias --url, not both');
        const api = v.api ?? v.url;
        if (!api) throw new UsageError('--api <url> is required (the stack\'s ApiUrl output, or http://127.0.0.1:3000 locally)');
        if (!secret) throw new UsageError('the path secret is missing: --secret or $WAZZUP_WEBHOOK_SECRET (the WazzupWebhookSecretName secret in AWS)');
        const uri = wazzupWebhookUrl(api, secret);
        const result = await client.registerWebhook(uri);
        console.log(result.ok ? `registered ${uri.replace(encodeURIComponent(secret), '<secret>')} (messages, statuses, channel updates)` : `Wazzup24 answered ${JSON.stringify(result.raw)}`);
        return result.ok ? EXIT.done : EXIT.failed;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, USAGE);
    if (error instanceof WazzupError) {
      console.error(`${error.code}: ${error.error.message}\nhint: ${error.error.hint}`);
      return error.code === WAZZUP_API_KEY_MISSING || error.code === WAZZUP_TRANSPORT_ERROR ? EXIT.usage : EXIT.failed;
    }
    throw error;
  }
}
