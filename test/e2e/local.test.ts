// `npm start` for real: the local runner in its own process on a free port with a temporary DATA_DIR,
// driven over HTTP like Meta and an admin would, then restarted to show the data is kept.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as simulate } from '../../lib/cli/simulate.js';
import { metaJson, signedRequest, statusDelivery, textDelivery } from '../../lib/local/meta-payloads.js';
import { LocalProcess } from '../support/local-process.js';
import { waitFor } from '../support/wait-for.js';

const secrets = {
  WHATSAPP_APP_SECRET: 'e2e-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'e2e-verify-token',
  ADMIN_TOKEN: 'e2e-admin-token',
  WHATSAPP_ACCESS_TOKEN: 'EAAe2eAccessTokenNeverLogged0123456789',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
};
const secretValues = [secrets.WHATSAPP_APP_SECRET, secrets.WHATSAPP_VERIFY_TOKEN, secrets.ADMIN_TOKEN, secrets.WHATSAPP_ACCESS_TOKEN];
let local: LocalProcess;
const url = (path: string) => local.url(path);
const asAdmin = { authorization: `Bearer ${secrets.ADMIN_TOKEN}` };

beforeAll(async () => {
  // DEBUG: the most a deployer can turn logging up to, so the secret check below sees every line there can be.
  local = await LocalProcess.open({ name: 'wa-e2e-', env: { ...secrets, GRAPH_BASE_URL: 'sandbox', POWERTOOLS_LOG_LEVEL: 'DEBUG' }, adminToken: secrets.ADMIN_TOKEN });
  await local.start();
}, 60_000);
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  const code = await local?.stop();
  await local?.close();
  // Ctrl-C is a clean exit (undefined: it had already stopped).
  if (code !== undefined) expect(code).toBe(0);
});

describe('local runner over HTTP', () => {
  let messageId = '';

  it('prints the URLs and does not echo secrets the user set', () => {
    expect(local.output).toContain(`${url('/webhooks/whatsapp')}`);
    expect(local.output).toContain(url('/health'));
    for (const value of secretValues) expect(local.output).not.toContain(value);
  });

  it('answers health and the handshake', async () => {
    expect(await (await fetch(url('/health'))).json()).toEqual({ status: 'ok' });
    const ok = await fetch(url(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${secrets.WHATSAPP_VERIFY_TOKEN}&hub.challenge=987654`));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('987654');
    const bad = await fetch(url('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1'));
    expect(bad.status).toBe(403);
  });

  it('stores a signed text and shows it through the admin routes with the bearer token', async () => {
    const built = textDelivery({ phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID, waId: '996555123456', userId: 'KG.777', name: 'Айгуль', text: 'Салам!' });
    messageId = built.messageId;
    const req = signedRequest(built.delivery, secrets.WHATSAPP_APP_SECRET);
    const res = await fetch(url('/webhooks/whatsapp'), { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) });
    expect(res.status).toBe(200);

    const message = await fetch(url(`/messages/${encodeURIComponent(messageId)}`), { headers: asAdmin });
    expect(message.status).toBe(200);
    expect(await message.json()).toMatchObject({ id: messageId, direction: 'in', type: 'text', text: 'Салам!', contactId: 'KG.777' });
    const contact = await fetch(url('/contacts/KG.777'), { headers: asAdmin });
    expect(await contact.json()).toMatchObject({ id: 'KG.777', waId: '996555123456', name: 'Айгуль', phones: ['+996555123456'] });
    const list = await fetch(url('/contacts/KG.777/messages?limit=5'), { headers: asAdmin });
    expect((await list.json()).items.map((m: { id: string }) => m.id)).toEqual([messageId]);
  });

  it('refuses a tampered delivery with 401', async () => {
    const req = signedRequest(textDelivery({ phoneNumberId: '1', waId: '996555000000', text: 'x' }).delivery, secrets.WHATSAPP_APP_SECRET);
    const res = await fetch(url('/webhooks/whatsapp'), { method: 'POST', headers: req.headers, body: new Uint8Array(metaJson({ tampered: true })) });
    expect(res.status).toBe(401);
  });

  it('wa simulate posts signed text and status deliveries', async () => {
    // The CLI reads the same variables the server does.
    process.env.WHATSAPP_APP_SECRET = secrets.WHATSAPP_APP_SECRET;
    process.env.WHATSAPP_PHONE_NUMBER_ID = secrets.WHATSAPP_PHONE_NUMBER_ID;
    const webhookUrl = url('/webhooks/whatsapp');
    // What the CLI prints is captured (and checked), not shown.
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    expect(await simulate(['text', 'hello', 'from', 'cli', '--from', '77011234567', '--url', webhookUrl, '--id', 'wamid.CLI1'])).toBe(0);
    expect(out.slice(0, 2)).toEqual(['message id: wamid.CLI1', `POST ${webhookUrl} -> 200`]);
    expect(await simulate(['status', 'wamid.OUT9', 'delivered', '--to', '77011234567', '--url', webhookUrl])).toBe(0);
    const text = await (await fetch(url('/messages/wamid.CLI1'), { headers: asAdmin })).json();
    expect(text).toMatchObject({ text: 'hello from cli', contactId: '77011234567', phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID });
    const status = await (await fetch(url('/messages/wamid.OUT9'), { headers: asAdmin })).json();
    expect(status).toMatchObject({ direction: 'out', status: 'delivered', contactId: '77011234567' });
    expect(await simulate(['text', 'x', '--url', webhookUrl])).toBe(2);
    expect(err.join('\n')).toMatch(/--from <wa_id> \(or --user-id <BSUID>\) is required\n\nusage:/);
    process.env.WHATSAPP_APP_SECRET = 'not-the-server-secret';
    expect(await simulate(['status', 'wamid.OUT9', 'read', '--url', webhookUrl])).toBe(1);
    expect(out.at(-2)).toBe(`POST ${webhookUrl} -> 401`);
    delete process.env.WHATSAPP_APP_SECRET;
    delete process.env.WHATSAPP_PHONE_NUMBER_ID;
  });

  it('admin routes need the bearer token', async () => {
    const none = await fetch(url('/contacts/KG.777'));
    expect(none.status).toBe(401);
    expect((await none.json()).error).toMatch(/Authorization: Bearer/);
    const wrong = await fetch(url('/contacts/KG.777'), { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('no line printed at DEBUG carries a secret, through a bot reply, an admin send and refused requests', async () => {
    const command = textDelivery({ phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID, waId: '996555123456', userId: 'KG.777', text: '/help' });
    const req = signedRequest(command.delivery, secrets.WHATSAPP_APP_SECRET);
    expect((await fetch(url('/webhooks/whatsapp'), { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) })).status).toBe(200);
    const sent = await fetch(url('/messages'), {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+996555123456', text: 'from the admin' }),
    });
    expect(sent.status, await sent.clone().text()).toBe(201);
    // The bot's reply goes through the outbound queue and the sender, which calls Graph with the access token.
    await waitFor(async () => {
      const list = (await (await fetch(url('/contacts/KG.777/messages?limit=20'), { headers: asAdmin })).json()) as { items: Array<{ direction: string }> };
      return list.items.filter((m) => m.direction === 'out').length >= 2;
    }, 'the bot reply and the admin message are stored');
    expect((await fetch(url('/contacts'), { headers: { authorization: `Bearer ${secrets.WHATSAPP_ACCESS_TOKEN}` } })).status).toBe(401);
    expect((await fetch(url(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${secrets.ADMIN_TOKEN}&hub.challenge=1`))).status).toBe(403);
    expect(local.output).toMatch(/"level": ?"(DEBUG|INFO)"/);
    for (const value of secretValues) expect(local.output).not.toContain(value);
  });

  it('keeps the data across a restart', async () => {
    expect(await local.stop()).toBe(0);
    await local.start();
    const message = await fetch(url(`/messages/${encodeURIComponent(messageId)}`), { headers: asAdmin });
    expect(message.status).toBe(200);
    expect((await message.json()).text).toBe('Салам!');
    // And keeps working: a status on a stored message after the restart.
    const req = signedRequest(statusDelivery({ phoneNumberId: '1', messageId: 'wamid.OUT9', status: 'read', recipient: { waId: '77011234567' } }), secrets.WHATSAPP_APP_SECRET);
    expect((await fetch(url('/webhooks/whatsapp'), { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) })).status).toBe(200);
    expect((await (await fetch(url('/messages/wamid.OUT9'), { headers: asAdmin })).json()).status).toBe('read');
  }, 60_000);
});
