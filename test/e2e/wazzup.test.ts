// `npm start` for real, with the Wazzup24 channel: the local runner in its own process (Graph and Wazzup24
// sandboxes, fauxqs, dynalite, the sender and card worker polling). The Wazzup sandbox plays the account: the
// runner registered the local webhook with it (PATCH /v3/webhooks after the `{ test: true }` probe), and it plays
// the customer (`wa simulate wazzup-*`), posting deliveries with the path secret. Replies must come back through
// the Wazzup sandbox, never through Graph.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as simulate } from '../../lib/cli/simulate.js';
import { run as wazzupCli } from '../../lib/cli/wazzup.js';
import { LocalProcess } from '../support/local-process.js';

const secrets = {
  ADMIN_TOKEN: 'wazzup-e2e-admin-token',
  WAZZUP_WEBHOOK_SECRET: 'wazzup-e2e-path-secret',
};
const CHANNEL = '3f4c2b9e-6d0a-4c1e-9b7a-5e2d8f1a0c34';
const CHAT = '79011112233';
const CONTACT = `wazzup24-whatsapp.${CHAT}`;
let local: LocalProcess;
let sandboxUrl = '';
const url = (path: string) => local.url(path);
const asAdmin = { authorization: `Bearer ${secrets.ADMIN_TOKEN}` };
const adminGet = <T>(path: string) => local.adminGet<T>(path);
const waitFor = <T>(probe: () => Promise<T>, what: string) => local.waitFor(probe, what, 40_000);

/** A text tagged with the run's time, so a repeated e2e run against kept data never matches an older send. */
const stampedText = (text: string) => `${text} (${new Date().toISOString()})`;

interface Sent { messageId: string; crmMessageId?: string; channelId: string; chatId: string; text?: string }
const sent = async () => (await adminGet<{ sent: Sent[] }>('/local/wazzup/sent')).sent;

async function quietly(fn: () => Promise<number>): Promise<number> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    return await fn();
  } finally {
    log.mockRestore();
  }
}

beforeAll(async () => {
  // Without a real key local mode must use the sandbox, whatever the shell has.
  local = await LocalProcess.open({
    name: 'wa-wazzup-e2e-',
    env: { ...secrets, GRAPH_SANDBOX_STATUS_DELAY_MS: '50', WAZZUP_SANDBOX_STATUS_DELAY_MS: '50', OCR_ENGINE: 'none' },
    without: ['WAZZUP_API_KEY', 'WAZZUP_BASE_URL'],
    adminToken: secrets.ADMIN_TOKEN,
  });
  Object.assign(process.env, secrets);
  await local.start();
  sandboxUrl = /wazzup24\s+(http:\/\/127\.0\.0\.1:\d+) \(Wazzup24 sandbox/.exec(local.output)?.[1] ?? '';
}, 90_000);

afterAll(async () => {
  await local?.close();
  for (const k of Object.keys(secrets)) delete process.env[k];
  delete process.env.WAZZUP_API_KEY;
  delete process.env.WAZZUP_BASE_URL;
});

describe('Wazzup24 in local mode', () => {
  it('registered the local webhook, with its path secret, in the Wazzup sandbox', async () => {
    expect(sandboxUrl, local.output).toMatch(/^http:/);
    const res = await fetch(`${sandboxUrl}/v3/webhooks`, { headers: { authorization: 'Bearer local-wazzup-api-key' } });
    const body = (await res.json()) as { webhooksUri: string; subscriptions: Record<string, boolean> };
    expect(body.webhooksUri).toBe(url(`/webhooks/wazzup24/${secrets.WAZZUP_WEBHOOK_SECRET}`));
    expect(body.subscriptions).toMatchObject({ messagesAndStatuses: true, channelsUpdates: true });
  });

  it('wa wazzup channels lists the sandbox channel as active', async () => {
    process.env.WAZZUP_API_KEY = 'local-wazzup-api-key';
    process.env.WAZZUP_BASE_URL = sandboxUrl;
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(l));
    try {
      expect(await wazzupCli(['channels'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(lines.join('\n')).toMatch(new RegExp(`${CHANNEL}\\s+whatsapp\\s+79011112233\\s+active`));
  });

  it('GET /diagnose includes the Wazzup24 checks: key valid, channel active, webhook registered to this stack', async () => {
    const report = await adminGet<{ checks: { id: string; status: string; detail: string }[] }>('/diagnose');
    const wazzup = report.checks.filter((c) => c.id.startsWith('wazzup-'));
    expect(Object.fromEntries(wazzup.map((c) => [c.id, c.status]))).toEqual({ 'wazzup-key': 'ok', 'wazzup-channel': 'ok', 'wazzup-webhook': 'ok' });
    expect(wazzup.find((c) => c.id === 'wazzup-channel')?.detail).toContain(`${CHANNEL} (whatsapp 79011112233) is active`);
  }, 30_000);

  it('refuses a wrong path secret with 401', async () => {
    const res = await fetch(url('/webhooks/wazzup24/not-the-secret'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ test: true }) });
    expect(res.status).toBe(401);
  });

  it('a text command from a Wazzup chat becomes a message and a contact, and the bot answers through Wazzup', async () => {
    expect(await quietly(() => simulate(['wazzup-text', '/start', '--chat', CHAT, '--name', 'Ivan', '--api', url('')]))).toBe(0);
    const contact = await adminGet<{ id: string; waId: string; name: string }>(`/contacts/${CONTACT}`);
    expect(contact).toMatchObject({ id: CONTACT, waId: CHAT, name: 'Ivan' });
    const reply = await waitFor(async () => (await sent()).find((s) => s.chatId === CHAT && s.text !== undefined), 'the bot reply in the Wazzup sandbox');
    expect(reply.channelId).toBe(CHANNEL);
    expect(reply.crmMessageId).toMatch(/^job:cmd:/);
    // The reply is recorded under Wazzup's messageId, so the echo and the statuses land on it. The sandbox lists
    // the send when it receives it, before the sender has its answer and stores it: 404 until then.
    const stored = await waitFor(async () => {
      const res = await local.adminFetch(`/messages/${reply.messageId}`);
      if (res.status === 404) return undefined;
      expect(res.status).toBe(200);
      const m = (await res.json()) as { id: string; direction: string; status?: string };
      return m.status === 'read' ? m : undefined;
    }, 'the reply read');
    expect(stored.direction).toBe('out');
  }, 60_000);

  it('a card photo from a Wazzup chat becomes a contact, and the reply goes back through Wazzup', async () => {
    const before = (await sent()).length;
    expect(await quietly(() => simulate(['wazzup-image', 'test/fixtures/cards/en-startup-qr.png', '--chat', CHAT, '--api', url('')]))).toBe(0);
    const cards = await waitFor(async () => {
      const list = await adminGet<{ items: { name?: string; sourceContactId?: string }[] }>('/contacts?limit=200');
      const found = list.items.filter((c) => c.sourceContactId === CONTACT);
      return found.length ? found : undefined;
    }, 'the card contact');
    expect(cards[0]).toMatchObject({ name: 'Priya Raman' });
    const reply = await waitFor(async () => (await sent()).slice(before).find((s) => /Priya Raman/.test(s.text ?? '')), 'the card reply through Wazzup');
    expect(reply.crmMessageId).toMatch(/^job:card:/);
  }, 60_000);

  it('a send whose answer was lost is retried with the same crmMessageId and goes out once', async () => {
    const fail = await fetch(url('/local/wazzup/fail'), { method: 'POST', headers: { ...asAdmin, 'content-type': 'application/json' }, body: JSON.stringify({ code: 500, afterProcessing: true }) });
    expect(fail.status).toBe(200);
    const send = () =>
      fetch(url('/messages'), {
        method: 'POST',
        headers: { ...asAdmin, 'content-type': 'application/json', 'idempotency-key': 'wz-e2e-1' },
        body: JSON.stringify({ channel: 'wazzup24', to: `+${CHAT}`, text: stampedText('retried once') }),
      });
    const first = await send();
    expect(first.status).toBe(502);
    expect(await first.json()).toMatchObject({ retryable: true });
    const second = await send();
    expect(second.status).toBe(201);
    expect((await sent()).filter((s) => s.crmMessageId === 'api:wz-e2e-1')).toHaveLength(1);
  }, 30_000);
});
