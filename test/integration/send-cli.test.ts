// `wa send --file`, `--location` and `--contact-id` against the local stack in this process (startLocal with the
// Graph sandbox): the file's type read from its content and Meta's limits checked before any upload, the upload
// to `POST /{phone-number-id}/media` of the sandbox the runner sends through, then the send by media id.
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as send } from '../../lib/cli/send.js';
import { graphService, sandboxControlRoutes } from '../../lib/local/graph-service.js';
import { signedRequest, textDelivery } from '../../lib/local/meta-payloads.js';
import { startLocal, type LocalStack } from '../../lib/local/runner.js';

const secrets = {
  WHATSAPP_APP_SECRET: 'send-cli-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'send-cli-verify-token',
  ADMIN_TOKEN: 'send-cli-admin-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242924',
};
const CUSTOMER = '14155550142';
const graph = graphService({}, { statusDelayMs: 20 });
let stack: LocalStack;
const sandbox = () => graph.sandbox!;
const media = (name: string) => `test/fixtures/media/${name}`;
const dir = mkdtempSync(join(tmpdir(), 'wa-send-cli-'));

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  stack = await startLocal({ port: 0, dataDir: null, env: secrets, services: [graph], localRoutes: sandboxControlRoutes(() => graph.sandbox) });
  // The customer wrote a minute ago: the 24-hour window is open.
  const built = textDelivery({ phoneNumberId: secrets.WHATSAPP_PHONE_NUMBER_ID, waId: CUSTOMER, name: 'Jane Roe', text: 'send me the price list' });
  const req = signedRequest(built.delivery, secrets.WHATSAPP_APP_SECRET);
  expect((await fetch(`${stack.url}/webhooks/whatsapp`, { method: 'POST', headers: req.headers, body: new Uint8Array(req.body) })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  // The sandbox's status webhooks still in flight must land before the stack closes.
  await graph.sandbox?.settled();
  await stack?.close();
});
beforeEach(() => sandbox().reset());

/** `wa send --to <customer> ...args --api <stack>`, its exit code and what it printed. */
async function wa(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await send(['--to', `+${CUSTOMER}`, ...args, '--api', stack.url, '--json'], { ADMIN_TOKEN: secrets.ADMIN_TOKEN });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const uploads = () => sandbox().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/media'));

describe('wa send --file', () => {
  it('uploads a PDF as a document, then sends it by id with its caption and file name', async () => {
    const res = await wa('--file', media('price-list.pdf'), '--caption', 'Prices for March');
    expect(res, res.err).toMatchObject({ code: 0 });
    expect(uploads()).toHaveLength(1);
    const { id } = uploads()[0]!.response as { id: string };
    expect(uploads()[0]!.path).toBe(`/${secrets.WHATSAPP_PHONE_NUMBER_ID}/media`);
    const sent = sandbox().sent.at(-1)!;
    expect(sent.body).toMatchObject({ to: `+${CUSTOMER}`, type: 'document', document: { id, caption: 'Prices for March', filename: 'price-list.pdf' } });
    // The sandbox serves the upload back, byte for byte.
    const info = (await (await fetch(`${sandbox().url}/v26.0/${id}`, { headers: { authorization: 'Bearer local-access-token' } })).json()) as { url: string; mime_type: string };
    expect(info.mime_type).toBe('application/pdf');
    const bytes = Buffer.from(await (await fetch(info.url, { headers: { authorization: 'Bearer local-access-token' } })).arrayBuffer());
    expect(bytes.equals(readFileSync(media('price-list.pdf')))).toBe(true);
    // Stored like every outbound message, with the media id.
    const stored = (await (await fetch(`${stack.url}/messages/${encodeURIComponent(sent.wamid)}`, { headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}` } })).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ type: 'document', direction: 'out', media: { id, caption: 'Prices for March', filename: 'price-list.pdf' } });
  });

  it.each([
    ['../cards/en-bizcard-qr.png', 'image'],
    ['clip.mp4', 'video'],
    ['voice.ogg', 'audio'],
  ])('sends %s as %s, the kind read from its content', async (name, kind) => {
    expect((await wa('--file', media(name))).code).toBe(0);
    const { id } = uploads()[0]!.response as { id: string };
    expect(sandbox().sent.at(-1)!.body).toMatchObject({ type: kind, [kind]: { id } });
  });

  it('refuses a file over the limit, of a type WhatsApp does not take, or a caption on audio, before any upload (exit 2)', async () => {
    const big = join(dir, 'photo.png');
    writeFileSync(big, Buffer.concat([readFileSync(media('../cards/en-bizcard-qr.png')), Buffer.alloc(5 * 1024 * 1024)]));
    const tooBig = await wa('--file', big);
    expect(tooBig.code).toBe(2);
    expect(tooBig.err).toContain('WhatsApp takes image files up to 5 MB');
    const gif = await wa('--file', media('pixel.gif'));
    expect(gif.code).toBe(2);
    expect(gif.err).toContain('image/gif is not a type WhatsApp takes');
    expect((await wa('--file', media('voice.ogg'), '--caption', 'listen')).code).toBe(2);
    expect((await wa('--file', join(dir, 'missing.pdf'))).code).toBe(2);
    expect(sandbox().requests).toEqual([]);
  });
});

describe('wa send --location and --contact-id', () => {
  it('sends a location pin', async () => {
    expect((await wa('--location', '42.8746,74.5698', '--name', 'Office', '--address', 'Chuy 1, Bishkek')).code).toBe(0);
    expect(sandbox().sent.at(-1)!.body).toMatchObject({ type: 'location', location: { latitude: 42.8746, longitude: 74.5698, name: 'Office', address: 'Chuy 1, Bishkek' } });
  });

  it('a location out of range is the API 400 naming the field (exit 1), nothing sent; a malformed one a usage error', async () => {
    const res = await wa('--location', '95,10');
    expect(res.code).toBe(1);
    expect(res.out).toContain('location.latitude');
    expect((await wa('--location', 'Bishkek')).code).toBe(2);
    expect(sandbox().requests).toEqual([]);
  });

  it('sends a stored contact as a contact card', async () => {
    expect((await wa('--contact-id', CUSTOMER)).code).toBe(0);
    expect(sandbox().sent.at(-1)!.body).toMatchObject({
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Jane Roe' }, phones: [{ phone: `+${CUSTOMER}`, wa_id: CUSTOMER }] }],
    });
  });

  it('an unknown contact is exit 1, nothing sent', async () => {
    const res = await wa('--contact-id', 'nobody');
    expect(res.code).toBe(1);
    expect(res.err).toContain('there is no contact nobody');
    expect(sandbox().sent).toEqual([]);
  });
});
