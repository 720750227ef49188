// The sandbox's WABA setup endpoints as Graph answers them (message_templates paged, subscribed_apps, the app's
// subscriptions), the Graph client reading them, and `wa templates` / `wa subscribe` against the sandbox.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GraphClient, GraphError } from '../../lambdas/adapters/meta/graph-client.js';
import * as subscribeCli from '../../lib/cli/subscribe.js';
import * as templatesCli from '../../lib/cli/templates.js';
import { DEFAULT_APP_ID, DEFAULT_WABA_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';

const APP_SECRET = 'waba-app-secret';
const TOKEN = 'EAAG-waba-token';
let sandbox: GraphSandbox;
let out: string[];
let err: string[];

beforeAll(async () => {
  sandbox = await startGraphSandbox({ appSecret: APP_SECRET, accessToken: TOKEN, webhookUrl: 'http://127.0.0.1:9/webhooks/whatsapp' });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  delete sandbox.accounts.wabas[0]!.templates;
  sandbox.accounts.wabas[0]!.subscribedApps = [];
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const client = (token = TOKEN) => new GraphClient({ baseUrl: sandbox.url, getToken: async () => token, metrics: { emit: () => undefined } });
const env = () => ({ WHATSAPP_ACCESS_TOKEN: TOKEN, GRAPH_BASE_URL: sandbox.url, META_APP_ID: DEFAULT_APP_ID, WHATSAPP_APP_SECRET: APP_SECRET });

describe('GET /{waba-id}/message_templates', () => {
  it("answers the cassette's default fields and pages with after cursors and a next link", async () => {
    const res = await fetch(`${sandbox.url}/v26.0/${DEFAULT_WABA_ID}/message_templates?limit=2`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await res.json()) as { data: Record<string, unknown>[]; paging: { cursors: { after: string }; next?: string } };
    expect(body.data.map((t) => [t['name'], t['language'], t['status'], t['category']])).toEqual([
      ['hello_world', 'en_US', 'APPROVED', 'MARKETING'],
      ['sample_purchase_feedback', 'en_US', 'APPROVED', 'MARKETING'],
    ]);
    expect(Object.keys(body.data[0]!)).toEqual(['name', 'components', 'language', 'status', 'category', 'id']);
    expect(body.paging.next).toContain(`after=${body.paging.cursors.after}`);
    const last = (await (await fetch(body.paging.next!, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { data: unknown[]; paging: { next?: string } };
    expect(last.data).toHaveLength(1);
    expect(last.paging.next).toBeUndefined();
  });

  it('the client follows every page; unknown fields and an unseen WABA are Graph errors', async () => {
    sandbox.accounts.wabas[0]!.templates = Array.from({ length: 130 }, (_, i) => ({ name: `t${i}`, language: 'en_US', status: i % 2 ? 'PAUSED' : 'APPROVED' }));
    const all = await client().listTemplates(DEFAULT_WABA_ID);
    expect(all).toHaveLength(130);
    expect(all[1]).toEqual({ name: 't1', language: 'en_US', status: 'PAUSED', category: 'UTILITY', id: '1000000000001' });
    await expect(client().listTemplates(DEFAULT_WABA_ID, ['nope'])).rejects.toMatchObject({ code: 100 });
    await expect(client().listTemplates('999')).rejects.toBeInstanceOf(GraphError);
  });
});

describe('GET /{app-id}/subscriptions', () => {
  it('answers the app token with the whatsapp_business_account subscription and refuses a user token (#15)', async () => {
    const subs = await client().getAppSubscriptions(DEFAULT_APP_ID, `${DEFAULT_APP_ID}|${APP_SECRET}`);
    expect(subs).toEqual([
      {
        object: 'whatsapp_business_account',
        callback_url: 'http://127.0.0.1:9/webhooks/whatsapp',
        active: true,
        fields: ['messages', 'message_template_status_update', 'phone_number_quality_update', 'account_update'].map((name) => ({ name, version: 'v26.0' })),
      },
    ]);
    const res = await fetch(`${sandbox.url}/v26.0/${DEFAULT_APP_ID}/subscriptions`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(15);
  });
});

describe('wa templates', () => {
  it('lists name, language, status, category and id of the WABA that owns the number', async () => {
    sandbox.accounts.wabas[0]!.templates = [
      { name: 'order_ready', language: 'ru', status: 'APPROVED', category: 'UTILITY', id: '11' },
      { name: 'promo', language: 'en_US', status: 'PAUSED', category: 'MARKETING', id: '12' },
    ];
    expect(await templatesCli.run([], env())).toBe(0);
    expect(out).toEqual([
      `WABA ${DEFAULT_WABA_ID}`,
      ['NAME         LANGUAGE  STATUS    CATEGORY   ID', 'order_ready  ru        APPROVED  UTILITY    11', 'promo        en_US     PAUSED    MARKETING  12'].join('\n'),
    ]);
    out.length = 0;
    expect(await templatesCli.run(['--json', '--waba', DEFAULT_WABA_ID], env())).toBe(0);
    expect(JSON.parse(out[0]!)).toEqual({ wabaId: DEFAULT_WABA_ID, templates: [
      { name: 'order_ready', language: 'ru', status: 'APPROVED', category: 'UTILITY', id: '11' },
      { name: 'promo', language: 'en_US', status: 'PAUSED', category: 'MARKETING', id: '12' },
    ] });
  });

  it('exit 2 without a token or with a malformed --waba, 1 when Graph refuses', async () => {
    expect(await templatesCli.run([], { GRAPH_BASE_URL: 'https://graph.example.com' })).toBe(2);
    expect(await templatesCli.run(['--waba', 'abc'], env())).toBe(2);
    expect(await templatesCli.run(['--waba', '42'], env())).toBe(1);
    expect(err.at(-1)).toMatch(/^templates: /);
  });
});

describe('wa subscribe', () => {
  it("subscribes the token's app to the WABA and lists the subscribed apps", async () => {
    expect(await subscribeCli.run([], env())).toBe(0);
    expect(out).toEqual([`subscribed to WABA ${DEFAULT_WABA_ID}`, `  app ${DEFAULT_APP_ID}  Sandbox App`]);
    expect(sandbox.requests.find((r) => r.method === 'POST' && r.path === `/${DEFAULT_WABA_ID}/subscribed_apps`)?.status).toBe(200);
    out.length = 0;
    expect(await subscribeCli.run(['--json'], env())).toBe(0);
    expect(JSON.parse(out[0]!)).toEqual({ wabaId: DEFAULT_WABA_ID, subscribed: true, apps: [{ id: DEFAULT_APP_ID, name: 'Sandbox App' }] });
  });
});
