// `wa wazzup`: the Wazzup24 account as this system sees it. `channels` lists the channels and their states;
// `register --url <api url>` points the account's one webhook at this stack (PATCH /v3/webhooks with messages,
// statuses and channel updates; Wazzup first POSTs `{ test: true }` and refuses an address that does not answer
// 200). The API key comes from $WAZZUP_API_KEY, the API from $WAZZUP_BASE_URL (default api.wazzup24.com).
import { createWazzupClient, WazzupError } from '../../lambdas/adapters/wazzup/wazzup-client.js';
import { wazzupWebhookUrl } from '../local/wazzup-service.js';
import { parseCommand, usageError, UsageError } from './args.js';

const USAGE = `usage:
  wa wazzup channels                       channels of the account: id, transport, number, state
  wa wazzup register --url <api url>       set the webhook to <api url>/webhooks/wazzup24/<secret>
         [--secret <path secret>]          default $WAZZUP_WEBHOOK_SECRET (in AWS: the WazzupWebhookSecretName secret)
  wa wazzup webhook                        the webhook Wazzup24 has registered now
environment: WAZZUP_API_KEY (required), WAZZUP_BASE_URL (default https://api.wazzup24.com)`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    { args, allowPositionals: true, strict: true, options: { url: { type: 'string' }, secret: { type: 'string' }, help: { type: 'boolean', short: 'h' } } },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const sub = positionals[0];
  if (!sub) {
    console.log(USAGE);
    return 2;
  }
  const key = process.env.WAZZUP_API_KEY?.trim();
  if (!key) {
    console.error('WAZZUP_API_KEY is not set: copy the key from Wazzup > Settings > Integration with CRM');
    return 2;
  }
  const client = createWazzupClient({ ...(process.env.WAZZUP_BASE_URL ? { baseUrl: process.env.WAZZUP_BASE_URL } : {}), getApiKey: async () => key });
  try {
    switch (sub) {
      case 'channels': {
        const channels = await client.listChannels();
        if (!channels.length) console.log('no channels in this Wazzup24 account');
        for (const c of channels) console.log(`${c.channelId}  ${c.transport.padEnd(9)} ${c.plainId.padEnd(15)} ${c.state}${c.state === 'active' ? '' : '   <- not active: messages will not go out'}`);
        return 0;
      }
      case 'webhook': {
        const w = await client.getWebhooks();
        console.log(JSON.stringify({ webhooksUri: w.webhooksUri ?? null, subscriptions: w.subscriptions }, null, 2));
        return 0;
      }
      case 'register': {
        const secret = v.secret ?? process.env.WAZZUP_WEBHOOK_SECRET;
        if (!v.url) throw new UsageError('--url <api url> is required (the stack\'s ApiUrl output, or http://127.0.0.1:3000 locally)');
        if (!secret) throw new UsageError('the path secret is missing: --secret or $WAZZUP_WEBHOOK_SECRET (the WazzupWebhookSecretName secret in AWS)');
        const uri = wazzupWebhookUrl(v.url, secret);
        const result = await client.registerWebhook(uri);
        console.log(result.ok ? `registered ${uri.replace(encodeURIComponent(secret), '<secret>')} (messages, statuses, channel updates)` : `Wazzup24 answered ${JSON.stringify(result.raw)}`);
        return result.ok ? 0 : 1;
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, USAGE);
    if (error instanceof WazzupError) {
      console.error(`${error.code}: ${error.error.message}\nhint: ${error.error.hint}`);
      return 1;
    }
    throw error;
  }
}
