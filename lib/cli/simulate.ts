// `wa simulate`: post a correctly signed Meta delivery to a running webhook (local by default).
import { parseArgs } from 'node:util';
import { localSettings } from '../local/defaults.js';
import { signedRequest, statusDelivery, textDelivery, type MetaDelivery } from '../local/meta-payloads.js';

const USAGE = `usage:
  wa simulate text <text> --from <wa_id digits> [--user-id <BSUID>] [--name <profile name>] [--username <name>]
                          [--id <wamid>] [--reply-to <wamid>]
  wa simulate status <wamid> <sent|delivered|read|played|failed> [--to <wa_id>] [--user-id <BSUID>]
                          [--error-code <n> --error-title <text>]
common options:
  --url <webhook url>          default http://127.0.0.1:3000/webhooks/whatsapp
  --phone-number-id <id>       default $WHATSAPP_PHONE_NUMBER_ID or the local default
  --display-phone-number <n>   the business number shown in metadata
  --waba-id <id>               entry[].id
  --print                      print the signed body instead of posting it
The body is signed with $WHATSAPP_APP_SECRET (or the local default).`;

const options = {
  url: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'user-id': { type: 'string' },
  name: { type: 'string' },
  username: { type: 'string' },
  id: { type: 'string' },
  'reply-to': { type: 'string' },
  'phone-number-id': { type: 'string' },
  'display-phone-number': { type: 'string' },
  'waba-id': { type: 'string' },
  'error-code': { type: 'string' },
  'error-title': { type: 'string' },
  print: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const settings = localSettings();
  const business = {
    phoneNumberId: v['phone-number-id'] ?? settings.WHATSAPP_PHONE_NUMBER_ID,
    ...(v['display-phone-number'] ? { displayPhoneNumber: v['display-phone-number'] } : {}),
    ...(v['waba-id'] ? { wabaId: v['waba-id'] } : {}),
  };
  let delivery: MetaDelivery;
  let messageId: string;
  try {
    const [kind, ...rest] = positionals;
    if (kind === 'text') {
      const text = rest.join(' ');
      if (!text) throw new UsageError('wa simulate text: the message text is missing');
      if (!v.from && !v['user-id']) throw new UsageError('wa simulate text: --from <wa_id> (or --user-id <BSUID>) is required');
      if (v.from && !/^\d{6,15}$/.test(v.from)) throw new UsageError(`--from must be the phone's digits without "+", got "${v.from}"`);
      const built = textDelivery({
        ...business,
        text,
        ...(v.from ? { waId: v.from } : {}),
        ...(v['user-id'] ? { userId: v['user-id'] } : {}),
        ...(v.name ? { name: v.name } : {}),
        ...(v.username ? { username: v.username } : {}),
        ...(v.id ? { id: v.id } : {}),
        ...(v['reply-to'] ? { replyTo: v['reply-to'] } : {}),
      });
      delivery = built.delivery;
      messageId = built.messageId;
    } else if (kind === 'status') {
      const [wamid, status] = rest;
      if (!wamid || !status) throw new UsageError('wa simulate status: give the message id and the status');
      if (v.to && !/^\d{6,15}$/.test(v.to)) throw new UsageError(`--to must be the phone's digits without "+", got "${v.to}"`);
      const code = v['error-code'];
      if (code !== undefined && !/^\d+$/.test(code)) throw new UsageError(`--error-code must be a number, got "${code}"`);
      delivery = statusDelivery({
        ...business,
        messageId: wamid,
        status,
        recipient: { ...(v.to ? { waId: v.to } : {}), ...(v['user-id'] ? { userId: v['user-id'] } : {}) },
        ...(code ? { errors: [{ code: Number(code), title: v['error-title'] ?? 'Simulated failure' }] } : {}),
      });
      messageId = wamid;
    } else {
      throw new UsageError(kind ? `unknown kind "${kind}"` : 'say what to simulate: text or status');
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }

  const request = signedRequest(delivery, settings.WHATSAPP_APP_SECRET);
  if (v.print) {
    console.log(request.body.toString('utf8'));
    console.error(`X-Hub-Signature-256: ${request.headers['x-hub-signature-256']}`);
    return 0;
  }
  const url = v.url ?? 'http://127.0.0.1:3000/webhooks/whatsapp';
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: request.headers, body: new Uint8Array(request.body) });
  } catch (error) {
    console.error(`POST ${url} failed: ${(error as Error).cause ?? (error as Error).message}\nIs the local server running (npm start)?`);
    return 1;
  }
  console.log(`message id: ${messageId}`);
  console.log(`POST ${url} -> ${response.status}`);
  console.log(await response.text());
  return response.ok ? 0 : 1;
}
