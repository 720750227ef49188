// `npm start` for real, with a business card: the local runner in its own process (Graph sandbox, fauxqs queues
// and S3, dynalite, the card worker and the sender polling), driven like a customer and an admin would:
// `wa simulate image` uploads a card photo and posts the signed webhook; the card becomes a contact (GET
// /contacts) and a reply in the conversation; the same webhook delivered again changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as contactsCli } from '../../lib/cli/contacts.js';
import { run as simulate } from '../../lib/cli/simulate.js';
import { cardReceivedText } from '../../lambdas/domain/bot/texts.js';
import { LocalProcess } from '../support/local-process.js';

const secrets = {
  WHATSAPP_APP_SECRET: 'card-e2e-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'card-e2e-verify-token',
  ADMIN_TOKEN: 'card-e2e-admin-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
};
const CUSTOMER = '996555123456';
const CARD_MESSAGE = 'wamid.E2ECARD1';
let local: LocalProcess;
const url = (path: string) => local.url(path);

interface ContactList {
  items: { id: string; name?: string; phones: string[]; emails: string[]; sourceContactId?: string; sourceMessageId?: string }[];
}
interface MessageList {
  items: { id: string; direction: string; text?: string; timestamp: string; context?: { messageId?: string } }[];
}

const cardContacts = async () => (await local.adminGet<ContactList>('/contacts?limit=200')).items.filter((c) => c.sourceMessageId === CARD_MESSAGE);
/** The answers quoting the card photo: the acknowledgement, then the summary. */
const answers = async () =>
  (await local.adminGet<MessageList>(`/contacts/${CUSTOMER}/messages?limit=100`)).items.filter((m) => m.direction === 'out' && m.context?.messageId === CARD_MESSAGE);
const acks = async () => (await answers()).filter((m) => m.text === cardReceivedText('ru'));
const replies = async () => (await answers()).filter((m) => m.text !== cardReceivedText('ru'));

async function simulateCard(): Promise<number> {
  const quiet = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    return await simulate(['image', 'test/fixtures/cards/en-startup-qr.png', '--from', CUSTOMER, '--name', 'Нурлан', '--id', CARD_MESSAGE, '--url', url('/webhooks/whatsapp')]);
  } finally {
    quiet.mockRestore();
  }
}

beforeAll(async () => {
  Object.assign(process.env, secrets);
  local = await LocalProcess.open({ name: 'wa-card-e2e-', env: { ...secrets, GRAPH_SANDBOX_STATUS_DELAY_MS: '50' }, adminToken: secrets.ADMIN_TOKEN });
  await local.start();
}, 90_000);

afterAll(async () => {
  await local?.close();
  for (const k of Object.keys(secrets)) delete process.env[k];
});

describe('a business card in local mode', () => {
  it('the banner says where card media goes and that the card worker polls', () => {
    expect(local.output).toContain('card photos');
    expect(local.output).toMatch(/cardWorker polls card/);
  });

  it('a simulated photo becomes a contact and a reply in the customer\'s language', async () => {
    expect(await simulateCard()).toBe(0);
    const [contact] = await local.waitFor(async () => {
      const found = await cardContacts();
      return found.length ? found : undefined;
    }, 'the card contact');
    expect(contact).toMatchObject({ name: 'Priya Raman', sourceContactId: CUSTOMER, sourceMessageId: CARD_MESSAGE });
    expect(contact!.emails.length).toBeGreaterThan(0);
    const [reply] = await local.waitFor(async () => {
      const found = await replies();
      return found.length ? found : undefined;
    }, 'the reply');
    // A +996 customer with a Cyrillic profile name is answered in Russian.
    expect(reply!.text).toMatch(/^Визитка прочитана, контакт создан:/);
    expect(reply!.text).toContain('Priya Raman');
    // The photo was acknowledged at once, in Russian too, before the summary.
    const [ack] = await acks();
    expect(ack).toBeDefined();
    expect(ack!.timestamp <= reply!.timestamp).toBe(true);
  }, 60_000);

  it('the same webhook delivered again creates no second contact and no second reply', async () => {
    expect(await simulateCard()).toBe(0);
    // The redelivered job goes through the queue and the worker; give it time to do (nothing) wrong.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await cardContacts()).toHaveLength(1);
    expect(await replies()).toHaveLength(1);
    expect(await acks()).toHaveLength(1);
  }, 30_000);

  it('wa contacts export includes the card contact', async () => {
    const out = join(local.dataDir, 'export.vcf');
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await contactsCli(['export', '--format', 'vcf', '--api', url(''), '--out', out])).toBe(0);
    } finally {
      quiet.mockRestore();
    }
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('FN:Priya Raman');
    expect(text).toContain(`NOTE:From a business card sent by WhatsApp contact ${CUSTOMER}`);
  });
});
