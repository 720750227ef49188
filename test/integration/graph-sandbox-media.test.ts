// Media uploads through the real Graph client to the Graph sandbox: `POST /{phone-number-id}/media` as multipart
// (Meta's shape), the id it answers served back byte for byte by GET /{media-id} and its download URL, and the
// refusals Meta gives: a type it does not take, content that is not the declared type (131053), a file over the
// limit, a missing messaging_product, a number the token cannot see.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient, GraphError } from '../../lambdas/adapters/meta/graph-client.js';
import { noMetrics } from '../../lambdas/domain/shared/metric-catalog.js';
import { DEFAULT_PHONE_NUMBER_ID, DEFAULT_WABA_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';

const TOKEN = 'upload-test-token';
let sandbox: GraphSandbox;
let graph: GraphClient;
const fixture = (name: string) => readFileSync(new URL(`../fixtures/media/${name}`, import.meta.url));

beforeAll(async () => {
  sandbox = await startGraphSandbox({ appSecret: 'upload-secret', accessToken: TOKEN });
  graph = new GraphClient({ baseUrl: sandbox.url, getToken: async () => TOKEN, metrics: noMetrics });
});
afterAll(() => sandbox?.close());

async function refusal(promise: Promise<unknown>): Promise<GraphError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

describe('POST /{phone-number-id}/media', () => {
  it.each([
    ['price-list.pdf', 'application/pdf'],
    ['beep.mp3', 'audio/mpeg'],
    ['clip.mp4', 'video/mp4'],
    ['note.txt', 'text/plain'],
  ])('accepts %s and serves it back by its id', async (name, mimeType) => {
    const bytes = fixture(name);
    const { id } = await graph.uploadMedia(DEFAULT_PHONE_NUMBER_ID, { bytes, mimeType, filename: name });
    expect(id).toMatch(/^\d{16}$/);
    const upload = sandbox.requests.at(-1)!;
    expect(upload).toMatchObject({ method: 'POST', path: `/${DEFAULT_PHONE_NUMBER_ID}/media`, token: TOKEN, status: 200, response: { id } });
    const back = await graph.fetchMediaBytes(id, { maxBytes: 1024 * 1024 });
    expect(back).toMatchObject({ id, mimeType, fileSize: bytes.byteLength, sha256Matches: true });
    expect(Buffer.from(back.bytes).equals(bytes)).toBe(true);
  });

  it('accepts a card photo and a message can then name it by id', async () => {
    const bytes = fixture('../cards/en-bizcard-qr.png');
    const { id } = await graph.uploadMedia(DEFAULT_PHONE_NUMBER_ID, { bytes, mimeType: 'image/png', filename: 'card.png' });
    expect((await graph.getMedia(id)).mimeType).toBe('image/png');
  });

  it('refuses content that is not the declared type, as Graph does (131053)', async () => {
    const error = await refusal(graph.uploadMedia(DEFAULT_PHONE_NUMBER_ID, { bytes: fixture('price-list.pdf'), mimeType: 'image/png', filename: 'x.png' }));
    expect(error.error).toMatchObject({ code: 131053, retryable: false });
    expect(error.error.details).toBe("The file's content is application/pdf, not image/png as declared.");
  });

  it('refuses a type WhatsApp does not take, naming the ones it does', async () => {
    const error = await refusal(graph.uploadMedia(DEFAULT_PHONE_NUMBER_ID, { bytes: fixture('pixel.gif'), mimeType: 'image/gif', filename: 'x.gif' }));
    expect(error.error.code).toBe(131053);
    expect(error.error.details).toBe('Unsupported image mime type image/gif. Please use one of image/jpeg, image/png, image/webp.');
  });

  it('refuses a file over the limit of its kind', async () => {
    const png = fixture('../cards/en-bizcard-qr.png');
    const big = Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]);
    const error = await refusal(graph.uploadMedia(DEFAULT_PHONE_NUMBER_ID, { bytes: big, mimeType: 'image/png', filename: 'big.png' }));
    expect(error.error.code).toBe(131053);
    expect(error.error.details).toMatch(/image files up to 5 MB/);
  });

  it('needs messaging_product and a phone number the token can see', async () => {
    const form = new FormData();
    form.set('file', new Blob([fixture('price-list.pdf')], { type: 'application/pdf' }), 'a.pdf');
    const res = await fetch(`${sandbox.url}/v26.0/${DEFAULT_PHONE_NUMBER_ID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('(#100) The parameter messaging_product is required.');
    const wrong = await refusal(graph.uploadMedia(DEFAULT_WABA_ID, { bytes: fixture('price-list.pdf'), mimeType: 'application/pdf', filename: 'a.pdf' }));
    expect(wrong.error.code).toBe(100);
  });
});
