// GET /contacts on dynalite: newest first, pages and cursors, card fields; then `wa contacts export` over real
// HTTP (the local router and API event shape in front of the same handler) as vCard 3.0 and CSV.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContactStore } from '../../lambdas/adapters/dynamo/contact-store.js';
import { cardContactFields, planCardContact } from '../../lambdas/domain/cards/card-contact.js';
import { parseVCards, vcardToCard } from '../../lambdas/domain/cards/vcard.js';
import { run as contactsCli } from '../../lib/cli/contacts.js';
import { toApiEvent, writeResult } from '../../lib/local/api-event.js';
import { createRouter } from '../../lib/local/router.js';
import { apiEvent } from '../support/api-events.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';

const ADMIN = 'contacts-test-admin';
let db: TestDynamo;
let server: Server;
let url = '';
let list: Awaited<typeof import('../../lambdas/handlers/contacts-api.js')>['handler'];
let store: ReturnType<typeof createContactStore>;

const get = async (query?: Record<string, string>) => {
  const res = await list(apiEvent('GET /contacts', { path: '/contacts', ...(query ? { query } : {}) }));
  return { status: res.statusCode, body: JSON.parse(res.body ?? '{}') as { items: Record<string, unknown>[]; nextCursor?: string; error?: string } };
};

beforeAll(async () => {
  db = await startTestDynamo();
  process.env.ADMIN_TOKEN = ADMIN;
  list = (await import('../../lambdas/handlers/contacts-api.js')).handler;
  store = createContactStore(db.doc, db.tableNames.contacts);
  // Five WhatsApp customers, a minute apart, then a card one of them sent.
  for (let i = 0; i < 5; i++) {
    const at = new Date(Date.UTC(2026, 2, 1, 10, i)).toISOString();
    await store.upsert({ channel: 'meta', user: { waId: `99655510000${i}`, name: `Customer ${i}` }, seenAt: at, inboundAt: at });
  }
  const fields = cardContactFields({
    name: 'Нурлан Осмонов',
    title: 'Директор',
    company: 'ОсОО "Ала-Тоо, Трейд"',
    department: 'Продажи',
    address: 'г. Бишкек, ул. Киевская 95',
    phones: [{ number: '+996555778899', type: 'mobile' }],
    emails: ['nurlan@alatoo.kg'],
    websites: ['alatoo.kg'],
  });
  await store.upsertCardContact(planCardContact(fields, [], { contactId: '996555100003', messageId: 'wamid.CARD', at: '2026-03-01T11:00:00.000Z' }));

  const route = createRouter();
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://local');
    const found = route(req.method ?? 'GET', u.pathname);
    if (!('match' in found) || req.headers.authorization !== `Bearer ${ADMIN}`) {
      writeResult(res, { statusCode: 'match' in found ? 401 : 404, body: '{"error":"no"}' });
      return;
    }
    void list(toApiEvent(req, Buffer.alloc(0), found.match, u)).then((r) => writeResult(res, r));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  await new Promise((ok) => server?.close(ok));
  await db?.close();
});

describe('GET /contacts', () => {
  it('lists every contact newest first, card contacts with their card fields and source', async () => {
    const { status, body } = await get();
    expect(status).toBe(200);
    expect(body.items.map((c) => c.name)).toEqual(['Нурлан Осмонов', 'Customer 4', 'Customer 3', 'Customer 2', 'Customer 1', 'Customer 0']);
    expect(body.items[0]).toMatchObject({
      title: 'Директор',
      company: 'ОсОО "Ала-Тоо, Трейд"',
      department: 'Продажи',
      phones: ['+996555778899'],
      emails: ['nurlan@alatoo.kg'],
      websites: ['alatoo.kg'],
      sourceContactId: '996555100003',
      sourceMessageId: 'wamid.CARD',
    });
    expect(body.items[1]).toMatchObject({ id: '996555100004', waId: '996555100004', phones: ['+996555100004'] });
    expect(body.nextCursor).toBeUndefined();
  });

  it('pages with a cursor until every contact was seen exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await get({ limit: '4', ...(cursor ? { cursor } : {}) });
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(4);
      seen.push(...body.items.map((c) => String(c.id)));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(6);
    expect(seen).toEqual((await get()).body.items.map((c) => c.id));
  });

  it('refuses a bad limit or a cursor it did not issue', async () => {
    expect(await get({ limit: '0' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/limit must be an integer from 1 to 200/) } });
    expect(await get({ limit: 'lots' })).toMatchObject({ status: 400 });
    expect(await get({ cursor: 'bm90LWEtY3Vyc29y' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^cursor:/) } });
    const forged = Buffer.from(JSON.stringify({ listPk: 'other', listSk: 'x', pk: 'y', sk: 'z' })).toString('base64url');
    expect(await get({ cursor: forged })).toMatchObject({ status: 400 });
  });
});

describe('wa contacts export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wa-contacts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function exportAs(format: string, extra: string[] = []): Promise<{ code: number; text: string }> {
    const out = join(dir, `contacts.${format}`);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const code = await contactsCli(['export', '--format', format, '--api', url, '--out', out, '--page-size', '2', ...extra], { ...process.env, ADMIN_TOKEN: ADMIN });
      return { code, text: code === 0 ? readFileSync(out, 'utf8') : '' };
    } finally {
      quiet.mockRestore();
    }
  }

  it('writes vCard 3.0 that a vCard parser reads back, across pages', async () => {
    const { code, text } = await exportAs('vcf');
    expect(code).toBe(0);
    const cards = parseVCards(text);
    expect(cards).toHaveLength(6);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const nurlan = vcardToCard(cards[0]!);
    expect(nurlan).toMatchObject({
      name: 'Нурлан Осмонов',
      title: 'Директор',
      company: 'ОсОО "Ала-Тоо, Трейд"',
      department: 'Продажи',
      emails: ['nurlan@alatoo.kg'],
      address: expect.stringContaining('Киевская 95'),
    });
    expect(nurlan.phones.map((p) => p.number)).toEqual(['+996555778899']);
    expect(text).toContain('VERSION:3.0');
    expect(text).toContain('N:Осмонов;Нурлан;;;');
    expect(text).toContain('ORG:ОсОО "Ала-Тоо\\, Трейд";Продажи');
  });

  it('writes CSV with a header, quoting and joined lists', async () => {
    const { code, text } = await exportAs('csv');
    expect(code).toBe(0);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,name,title,company,department,phones,emails,websites,address,waId,userId,createdAt,lastInboundAt,sourceContactId,sourceMessageId');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toContain(',"ОсОО ""Ала-Тоо, Трейд""",Продажи,+996555778899,nurlan@alatoo.kg,alatoo.kg,"г. Бишкек, ул. Киевская 95",');
    expect(lines[2]).toMatch(/^996555100004,Customer 4,,,,\+996555100004,,,,996555100004,,/);
  });

  it('says what is wrong with the arguments or the API', async () => {
    expect((await exportAs('xml')).code).toBe(2);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await contactsCli(['export', '--format', 'csv', '--api', url], { ...process.env, ADMIN_TOKEN: 'wrong' })).toBe(1);
      expect(await contactsCli(['import', '--format', 'csv', '--api', url], process.env)).toBe(2);
    } finally {
      quiet.mockRestore();
    }
  });
});
