// Bot commands through the whole local stack in this process (startLocal with the Graph sandbox, fauxqs and the
// queue poller): a signed webhook delivery -> outbound queue -> sender Lambda -> bot -> Graph sandbox, whose
// status webhooks come back into the local webhook.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpText, languageChangedText, startText, statusText } from '../../lambdas/domain/bot/texts.js';
import { graphService } from '../../lib/local/graph-service.js';
import { signedRequest, textDelivery } from '../../lib/local/meta-payloads.js';
import { queueServices } from '../../lib/local/queue-poller.js';
import { startLocal, type LocalStack } from '../../lib/local/runner.js';
import { waitFor } from '../support/wait-for.js';

const secrets = {
  WHATSAPP_APP_SECRET: 'bot-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'bot-verify-token',
  ADMIN_TOKEN: 'bot-admin-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
};
const graph = graphService({}, { statusDelayMs: 20 });
let stack: LocalStack;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  stack = await startLocal({ port: 0, dataDir: null, env: secrets, services: [graph, ...queueServices({ only: ['outbound'] })] });
}, 60_000);
afterAll(() => stack?.close());

const sandbox = () => graph.sandbox!;

/** A customer writes `text`; returns the inbound wamid. */
async function customerSays(text: string, from: { waId: string; name?: string; userId?: string }): Promise<string> {
  const built = textDelivery({ phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID, text, ...from });
  const req = signedRequest(built.delivery, secrets.WHATSAPP_APP_SECRET);
  const res = await fetch(`${stack.url}/webhooks/whatsapp`, { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) });
  expect(res.status).toBe(200);
  return built.messageId;
}

/** The bot's reply to the inbound message `id`, once the sandbox got it. */
const replyTo = (id: string) =>
  waitFor(() => sandbox().sent.find((s) => (s.body['context'] as { message_id?: string } | undefined)?.message_id === id), `the reply to ${id}`, 10_000, 30);

const bodyText = (s: { body: Record<string, unknown> }) => (s.body['text'] as { body: string }).body;

async function adminGet(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}` } });
  return (await res.json()) as Record<string, unknown>;
}

async function putUser(id: string, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${stack.url}/users/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status;
}

describe('/status for admins', () => {
  it('a number mapped as admin gets the system state in its language; staff and customers get their cards', async () => {
    expect(await putUser('+1 415 555 0177', { userId: 'ops-1', role: 'admin', name: 'Ops' })).toBe(201);
    const id = await customerSays('/status', { waId: '14155550177', name: 'John Ops' });
    const text = bodyText(await replyTo(id));
    expect(text).toMatch(/^System status: (Everything is working\.|Needs attention\.)\n/);
    expect(text).toMatch(/^• outbound: \d+ waiting, \d+ in progress, 0 dead letters$/m);
    expect(text).toMatch(/^• card: 0 waiting, 0 in progress, 0 dead letters$/m);
    expect(text).toMatch(/^Access token: valid, (59|60) day\(s\) left$/m);
    expect(text).toMatch(/^Last inbound message: \d+ \w+ 20\d\d, \d\d:\d\d UTC$/m);

    expect(await putUser('79161230077', { userId: 'ops-2', role: 'admin' })).toBe(201);
    const ru = await customerSays('/статус', { waId: '79161230077', name: 'Иван' });
    const ruText = bodyText(await replyTo(ru));
    expect(ruText).toMatch(/^Состояние системы: /);
    expect(ruText).toMatch(/^Токен доступа: действителен, осталось дней: (59|60)$/m);

    expect(await putUser('14155550178', { userId: 'st-1', role: 'staff' })).toBe(201);
    const staff = await customerSays('/status', { waId: '14155550178', name: 'Jane Staff' });
    expect(bodyText(await replyTo(staff))).toBe(statusText('en', { cardContacts: 0 }));
  });
});

describe('bot commands through local mode', () => {
  it('answers /start in English to an English-speaking customer, from the number they wrote to', async () => {
    const id = await customerSays('/start', { waId: '14155550100', name: 'John Smith' });
    const reply = await replyTo(id);
    expect(reply.phoneNumberId).toBe(secrets.WHATSAPP_PHONE_NUMBER_ID);
    expect(reply.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+14155550100',
      type: 'text',
      text: { body: startText('en', { name: 'John Smith' }) },
      context: { message_id: id },
    });
  });

  it('answers /помощь in Russian', async () => {
    const id = await customerSays('/помощь', { waId: '4915112345678', name: 'Anna' });
    expect(bodyText(await replyTo(id))).toBe(helpText('ru'));
  });

  it('marks the command message as read', async () => {
    const id = await customerSays('/help', { waId: '14155550101', name: 'Jane Doe' });
    await replyTo(id);
    await waitFor(() =>
      sandbox().requests.find((r) => (r.body as { status?: string; message_id?: string } | undefined)?.message_id === id && r.status === 200),
      'the status webhook accepted',
      10_000,
      30,
    );
  });

  it('/lang en overrides a Russian guess for later replies', async () => {
    const from = { waId: '79161234567', name: 'Иван' };
    const first = await customerSays('/старт', from);
    expect(bodyText(await replyTo(first))).toBe(startText('ru', { name: 'Иван' }));
    const lang = await customerSays('/язык en', from);
    expect(bodyText(await replyTo(lang))).toBe(languageChangedText('en'));
    const again = await customerSays('/старт', from);
    expect(bodyText(await replyTo(again))).toBe(startText('en', { name: 'Иван' }));
    expect(await adminGet('/contacts/79161234567')).toMatchObject({ id: '79161234567' });
  });

  it('/status tells what the card pipeline recorded: card contacts and the last card', async () => {
    const from = { waId: '14155550102', name: 'Card Sender' };
    const cardMessage = await customerSays('here is a card', from);
    // What the card pipeline writes (see domain/bot/bot.ts CardHistory): the alias of a card contact, and the card
    // status on the card message.
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoEndpoint }));
    await doc.send(new PutCommand({ TableName: stack.tableNames.contacts, Item: { pk: 'source#14155550102', sk: 'contact#card-1', contactId: 'card-1', createdAt: '2026-03-05T14:05:00.000Z' } }));
    const at = '2026-03-05T14:05:00.000Z';
    const messages = await doc.send(
      new PutCommand({
        TableName: stack.tableNames.messages,
        Item: { pk: `msg#${cardMessage}-card`, sk: 'message', id: `${cardMessage}-card`, direction: 'in', type: 'image', contactId: '14155550102', timestamp: at, convSk: `${at}#x`, cardStatus: 'created', cardStatusAt: at, cardName: 'Jane Roe', statuses: [] },
      }),
    );
    expect(messages.$metadata.httpStatusCode).toBe(200);
    const id = await customerSays('/status', from);
    expect(bodyText(await replyTo(id))).toBe(statusText('en', { cardContacts: 1, lastCard: { status: 'created', at, name: 'Jane Roe' } }));
    doc.destroy();
  });

  it("moves the reply's status accepted -> sent -> delivered -> read through the sandbox's status webhooks", async () => {
    const id = await customerSays('/start', { waId: '14155550103', name: 'Status Watcher' });
    const reply = await replyTo(id);
    const message = await waitFor(async () => {
      const m = await adminGet(`/messages/${encodeURIComponent(reply.wamid)}`);
      return m['status'] === 'read' ? m : undefined;
    }, 'the reply read', 10_000, 30);
    expect((message['statuses'] as { status: string }[]).map((s) => s.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    expect(message).toMatchObject({ direction: 'out', type: 'text', contactId: '14155550103', text: startText('en', { name: 'Status Watcher' }) });
  });
});
