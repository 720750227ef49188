// What `npm start` prints: where things are and which values to use. Values the user set themselves are
// secrets of theirs and are not echoed; local defaults are printed so they can be used right away.
import { routes } from '../resources.js';
import { DEFAULT_PORT, type LocalSetting } from './defaults.js';
import type { LocalStack } from './runner.js';

export function describeLocal(stack: LocalStack, env: NodeJS.ProcessEnv): string {
  const s = stack.settings;
  const value = (k: LocalSetting) => (env[k] ? `(set in your environment)` : `${s[k]}   (local default; set ${k} to change)`);
  const shown = (k: LocalSetting) => (env[k] ? `$${k}` : s[k]);
  const lines = [
    `WhatsApp integration running locally at ${stack.url}`,
    '',
    `  webhook   ${stack.url}/webhooks/whatsapp   (GET handshake, POST signed deliveries)`,
    `  wazzup24  ${stack.url}/webhooks/wazzup24/<WAZZUP_WEBHOOK_SECRET>   (POST Wazzup24 deliveries)`,
    `  health    ${stack.url}/health`,
    `  admin     ${routes.filter((r) => r.auth === 'admin').map((r) => `${r.method} ${stack.url}${r.path}`).join('\n            ')}`,
    `            with header  Authorization: Bearer ${shown('ADMIN_TOKEN')}`,
    '',
    `  WHATSAPP_APP_SECRET       ${value('WHATSAPP_APP_SECRET')}`,
    `  WHATSAPP_VERIFY_TOKEN     ${value('WHATSAPP_VERIFY_TOKEN')}`,
    `  WHATSAPP_ACCESS_TOKEN     ${value('WHATSAPP_ACCESS_TOKEN')}`,
    `  WHATSAPP_PHONE_NUMBER_ID  ${env.WHATSAPP_PHONE_NUMBER_ID ? s.WHATSAPP_PHONE_NUMBER_ID : value('WHATSAPP_PHONE_NUMBER_ID')}`,
    `  ADMIN_TOKEN               ${value('ADMIN_TOKEN')}`,
    `  data                      ${stack.dataDir ?? '(in memory)'}`,
    '',
    ...(stack.port === DEFAULT_PORT
      ? ['try (`npx wa` finds this runner on port 3000; `npx wa --help` lists every command):']
      : [`try, in a shell with  export PORT=${stack.port}  (or WA_API=${stack.url}) so \`npx wa\` finds this runner:`]),
    `  curl '${stack.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${shown('WHATSAPP_VERIFY_TOKEN')}&hub.challenge=42'`,
    `  npx wa simulate text "/start" --from 996555123456   (the bot answers)`,
    `  npx wa messages list --contact 996555123456`,
    `  curl -H "Authorization: Bearer ${shown('ADMIN_TOKEN')}" ${stack.url}/contacts/996555123456/messages`,
    `  npx wa send --to +996555123456 --text "hello" --wait`,
    `  npx wa simulate image test/fixtures/cards/en-bizcard-qr.png --from 996555123456   (a card: contact + reply)`,
    `  npx wa contacts export --format vcf`,
    `  npx wa simulate wazzup-text "/start" --chat 79011112233   (through the Wazzup24 sandbox; the bot answers there)`,
    `  npx wa diagnose; npx wa accounts; npx wa token status; npx wa wazzup channels   (against the sandboxes)`,
    ...(stack.info.length ? ['', ...stack.info] : []),
    '',
    'Ctrl-C stops.',
  ];
  return lines.join('\n');
}
