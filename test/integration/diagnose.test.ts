// Diagnostics, account discovery and the token commands against the Graph sandbox: the facts gathered from
// real Graph-shaped answers, the support cases (a WABA id as phone number id, an expired token, a missing
// scope) each flagged with its hint, `GET /diagnose`, and the CLI in direct, local-API and SigV4 modes.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeStacksCommand, CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { gatherDiagnoseFacts, sourcesFromEnv } from '../../lambdas/adapters/meta/diagnose-facts.js';
import type { CheckId } from '../../lambdas/domain/diagnose/check.js';
import { diagnose, type DiagnoseReport } from '../../lambdas/domain/diagnose/diagnose.js';
import { createDiagnoseHandler } from '../../lambdas/handlers/diagnose.js';
import * as accountsCli from '../../lib/cli/accounts.js';
import * as diagnoseCli from '../../lib/cli/diagnose.js';
import * as tokenCli from '../../lib/cli/token.js';
import { DEFAULT_APP_ID, DEFAULT_PHONE_NUMBER_ID, DEFAULT_WABA_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { apiEvent } from '../support/api-events.js';

const APP_SECRET = 'diagnose-app-secret';
const TOKEN = 'EAAG-diagnose-token';

let sandbox: GraphSandbox;
let env: NodeJS.ProcessEnv;
let out: string[];
let err: string[];

beforeAll(async () => {
  sandbox = await startGraphSandbox({ appSecret: APP_SECRET, accessToken: TOKEN });
});
afterAll(async () => sandbox.close());

let snapshot: string;
beforeAll(() => {
  snapshot = JSON.stringify({ wabas: sandbox.accounts.wabas, tokens: sandbox.accounts.tokens });
});
beforeEach(() => {
  const restored = JSON.parse(snapshot) as { wabas: GraphSandbox['accounts']['wabas']; tokens: GraphSandbox['accounts']['tokens'] };
  sandbox.accounts.wabas.splice(0, Infinity, ...restored.wabas);
  sandbox.accounts.tokens.splice(0, Infinity, ...restored.tokens);
  sandbox.reset();
  env = {
    WHATSAPP_ACCESS_TOKEN: TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: DEFAULT_PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'verify-me',
    META_APP_ID: DEFAULT_APP_ID,
    GRAPH_BASE_URL: sandbox.url,
    ADMIN_TOKEN: 'diagnose-admin-token',
  };
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

async function report(): Promise<DiagnoseReport> {
  return diagnose(await gatherDiagnoseFacts(sourcesFromEnv(env)), { now: new Date(), expiryWarnDays: 14, tokenHome: 'WHATSAPP_ACCESS_TOKEN' });
}
const byId = (r: DiagnoseReport, id: CheckId) => r.checks.find((c) => c.id === id)!;
const token = () => sandbox.accounts.tokens[0]!;
const phone = () => sandbox.accounts.wabas[0]!.phoneNumbers[0]!;

describe('checks against the sandbox', () => {
  it('the default sandbox account passes every check', async () => {
    const r = await report();
    expect(r.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(byId(r, 'phone-exists').detail).toBe('+1 555-093-4873');
    expect(byId(r, 'phone-waba-visible').detail).toBe(`WABA ${DEFAULT_WABA_ID} (Test Business Account)`);
    // debug_token was asked with the app token, not the token itself.
    expect(sandbox.requests.find((q) => q.path === '/debug_token')?.token).toBe(`${DEFAULT_APP_ID}|${APP_SECRET}`);
  });

  it('flags a WABA id configured as the phone number id and names the real phone number id', async () => {
    env['WHATSAPP_PHONE_NUMBER_ID'] = DEFAULT_WABA_ID;
    const c = byId(await report(), 'phone-not-waba');
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/is a WhatsApp Business Account id \("Test Business Account"\)/);
    expect(c.hint).toContain(`${DEFAULT_PHONE_NUMBER_ID} (+1 555-093-4873)`);
  });

  it("detects a WABA id outside the granular scopes from Graph's own error on phone fields", async () => {
    // An admin system user reads every WABA of the business, though debug_token may list only some.
    sandbox.accounts.wabas.push({ id: '200000000000002', name: 'Other WABA', phoneNumbers: [], subscribedApps: [] });
    env['WHATSAPP_PHONE_NUMBER_ID'] = '200000000000002';
    const sources = sourcesFromEnv(env);
    const facts = await gatherDiagnoseFacts({
      ...sources,
      inspect: async (t) => {
        const f = await sources.inspect(t);
        return { ...f, granularScopes: f.granularScopes.map((g) => ({ ...g, targetIds: [DEFAULT_WABA_ID] })) };
      },
    });
    expect(facts.configuredIdIsWaba).toEqual({ name: 'Other WABA' });
    const phoneRead = sandbox.requests.find((q) => q.path === '/200000000000002' && q.query['fields']?.includes('display_phone_number'));
    expect(phoneRead?.status).toBe(400);
  });

  it('flags an expired token with the hint to replace it, and skips what needs a token', async () => {
    token().expiresAt = Math.floor(Date.now() / 1000) - 3600;
    const r = await report();
    expect(byId(r, 'token-valid')).toMatchObject({ status: 'fail', detail: 'invalid: it has expired' });
    expect(byId(r, 'token-valid').hint).toMatch(/Generate token/);
    expect(byId(r, 'token-expiry').status).toBe('fail');
    expect(byId(r, 'phone-exists')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/^skipped: the token is not usable/) });
    expect(r.ok).toBe(false);
  });

  it('flags a token missing a scope, naming the scope and the error it causes', async () => {
    token().scopes = ['whatsapp_business_management'];
    const r = await report();
    expect(byId(r, 'token-scopes')).toMatchObject({ status: 'fail', detail: 'missing whatsapp_business_messaging' });
    expect(byId(r, 'token-scopes').hint).toMatch(/error 10/);
    expect(byId(r, 'phone-exists').status).toBe('ok');
  });

  it('without management scope the phone read fails with the permission hint', async () => {
    token().scopes = ['whatsapp_business_messaging'];
    const r = await report();
    expect(byId(r, 'token-scopes').detail).toBe('missing whatsapp_business_management');
    // debug_token lists no management targets, so the WABA comes from the messaging scope.
    expect(byId(r, 'phone-exists')).toMatchObject({ status: 'fail' });
    expect(byId(r, 'phone-exists').hint).toMatch(/whatsapp_business_management/);
  });

  it('warns about a short-lived user token and a token close to expiry', async () => {
    Object.assign(token(), { type: 'USER', expiresAt: Math.floor(Date.now() / 1000) + 2 * 3600 });
    const r = await report();
    expect(byId(r, 'token-type').status).toBe('warn');
    expect(byId(r, 'token-expiry').status).toBe('warn');
    expect(r.ok).toBe(true);
  });

  it('reports phone status, quality, tier and throughput as Graph returns them', async () => {
    Object.assign(phone(), { status: 'DISCONNECTED', qualityRating: 'YELLOW' });
    delete phone().throughputLevel;
    const r = await report();
    expect(byId(r, 'phone-status')).toMatchObject({ status: 'fail', detail: 'DISCONNECTED' });
    expect(byId(r, 'phone-quality')).toMatchObject({ status: 'warn', detail: 'YELLOW' });
    expect(byId(r, 'phone-messaging-limit')).toMatchObject({ status: 'ok', detail: 'TIER_250' });
    expect(byId(r, 'phone-throughput').status).toBe('warn');
  });

  it('flags a WABA the app is not subscribed to, a number in a WABA the token cannot see, and unset secrets', async () => {
    sandbox.accounts.wabas[0]!.subscribedApps = [];
    delete env['WHATSAPP_VERIFY_TOKEN'];
    env['WHATSAPP_APP_SECRET'] = '';
    delete env['META_APP_ID'];
    const r = await report();
    expect(byId(r, 'app-subscribed')).toMatchObject({ status: 'fail' });
    expect(byId(r, 'app-subscribed').hint).toContain(`POST /${DEFAULT_WABA_ID}/subscribed_apps`);
    expect(byId(r, 'verify-token').status).toBe('fail');
    expect(byId(r, 'app-secret').status).toBe('fail');
    expect(byId(r, 'app-id').status).toBe('warn');
    // Without an app id the token debugs itself.
    expect(sandbox.requests.find((q) => q.path === '/debug_token')?.token).toBe(TOKEN);

    sandbox.accounts.wabas[0]!.subscribedApps = [{ id: DEFAULT_APP_ID, name: 'Sandbox App' }];
    token().wabaIds = ['300000000000003'];
    env['META_APP_ID'] = DEFAULT_APP_ID;
    env['WHATSAPP_APP_SECRET'] = APP_SECRET;
    const hidden = await report();
    expect(byId(hidden, 'phone-exists').status).toBe('fail');
    expect(byId(hidden, 'phone-exists').hint).toMatch(/wa accounts/);
  });
});

describe('GET /diagnose', () => {
  it('answers the report as JSON for the admin route', async () => {
    const handler = createDiagnoseHandler({ sources: sourcesFromEnv(env), expiryWarnDays: 14, tokenHome: 'x' });
    const res = await handler(apiEvent('GET /diagnose'));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body ?? '') as DiagnoseReport;
    expect(body.ok).toBe(true);
    expect(body.checks).toHaveLength(18);
    expect(JSON.stringify(body)).not.toContain(TOKEN);
    expect(JSON.stringify(body)).not.toContain(APP_SECRET);
    const other = await handler(apiEvent('GET /nope'));
    expect(other.statusCode).toBe(404);
  });
});

describe('wa diagnose', () => {
  it('prints the table and exits 0 when nothing fails, 1 when something does', async () => {
    expect(await diagnoseCli.run([], env)).toBe(0);
    expect(out.join('\n')).toMatch(/^OK\s+Phone number id is not a WABA id/m);
    out.length = 0;
    env['WHATSAPP_PHONE_NUMBER_ID'] = DEFAULT_WABA_ID;
    expect(await diagnoseCli.run(['--json'], env)).toBe(1);
    const json = JSON.parse(out.join('\n')) as DiagnoseReport;
    expect(json.checks.find((c) => c.id === 'phone-not-waba')?.status).toBe('fail');
  });

  it('--api on 127.0.0.1 sends Bearer $ADMIN_TOKEN; another host gets a SigV4 signature', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, counts: { ok: 0, warn: 0, fail: 1 }, checks: [{ id: 'app-secret', title: 'App secret is set', status: 'fail', detail: 'empty', hint: 'set it' }] }));
    });
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      expect(await diagnoseCli.run(['--api', `http://127.0.0.1:${port}`], env)).toBe(1);
      expect(seen[0]?.authorization).toBe('Bearer diagnose-admin-token');
      expect(out.join('\n')).toMatch(/FAIL\s+App secret is set\s+empty/);

      const signedEnv = { ...env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
      const saved = { ...process.env };
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
      delete process.env['AWS_PROFILE'];
      try {
        expect(await diagnoseCli.run(['--api', `http://127.0.0.2:${port}/`], signedEnv)).toBe(1);
      } finally {
        process.env = saved;
      }
      const auth = String(seen[1]?.authorization);
      expect(auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
      expect(seen[1]?.['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a usage error exits 2', async () => {
    expect(await diagnoseCli.run(['--bogus'], env)).toBe(2);
  });
});

describe('wa accounts', () => {
  it("lists every WABA the token can see with each number's id, display number, name, status and quality", async () => {
    sandbox.accounts.wabas.push({
      id: '200000000000002',
      name: 'Second Business',
      subscribedApps: [],
      phoneNumbers: [{ id: '200000000000010', displayPhoneNumber: '+44 20 7946 0000', verifiedName: 'Second', status: 'PENDING', qualityRating: 'UNKNOWN' }],
    });
    expect(await accountsCli.run([], env)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(new RegExp(`WABA ${DEFAULT_WABA_ID}  Test Business Account`));
    expect(text).toMatch(new RegExp(`\\*\\s+${DEFAULT_PHONE_NUMBER_ID}\\s+\\+1 555-093-4873\\s+Test Number\\s+CONNECTED\\s+GREEN`));
    expect(text).toMatch(/WABA 200000000000002  Second Business/);
    expect(text).toMatch(/200000000000010\s+\+44 20 7946 0000\s+Second\s+PENDING\s+UNKNOWN/);
    // Newest onboarded first, as debug_token lists them.
    expect(text.indexOf('200000000000002')).toBeLessThan(text.indexOf(DEFAULT_WABA_ID));
  });

  it('says when the configured id is a WABA id', async () => {
    env['WHATSAPP_PHONE_NUMBER_ID'] = DEFAULT_WABA_ID;
    expect(await accountsCli.run([], env)).toBe(0);
    expect(out.join('\n')).toMatch(/is a WABA id, not a phone number id/);
  });

  it('an invalid token is reported, not listed', async () => {
    token().revoked = true;
    expect(await accountsCli.run([], env)).toBe(1);
    expect(err.join('\n')).toMatch(/invalid/);
  });
});

describe('wa token', () => {
  it('status summarises debug_token', async () => {
    expect(await tokenCli.run(['status'], { env })).toBe(0);
    expect(out.join('\n')).toMatch(/SYSTEM_USER token is valid and expires .* \(\d+ days left\)/);
    expect(out.join('\n')).toContain(`WABAs:  ${DEFAULT_WABA_ID}`);
  });

  it('rotate --local refreshes against the sandbox and prints the new token alone on stdout', async () => {
    expect(await tokenCli.run(['rotate', '--local'], { env })).toBe(0);
    expect(out).toHaveLength(1);
    const fresh = out[0]!;
    expect(sandbox.accounts.tokens.some((t) => t.token === fresh)).toBe(true);
    expect(err.join('\n')).toMatch(/new token: SYSTEM_USER token is valid and expires .* \(59 days left\)/);
    expect(err.join('\n')).not.toContain(fresh);
  });

  it('rotate in AWS starts Secrets Manager rotation of the secret named by the stack output', async () => {
    const cf = mockClient(CloudFormationClient);
    const sm = mockClient(SecretsManagerClient);
    try {
      cf.on(DescribeStacksCommand).resolves({
        Stacks: [{ StackName: 'WhatsAppBusiness', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'AccessTokenName', OutputValue: 'accessTokenSecret-abc' }] }],
      });
      sm.on(RotateSecretCommand).resolves({ VersionId: 'v-9' });
      expect(await tokenCli.run(['rotate'], { env, cloudFormation: new CloudFormationClient({}), secretsManager: new SecretsManagerClient({}) })).toBe(0);
      expect(cf.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([{ StackName: 'WhatsAppBusiness' }]);
      expect(sm.commandCalls(RotateSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: 'accessTokenSecret-abc' }]);
      expect(out.join('\n')).toMatch(/rotation of accessTokenSecret-abc started \(new version v-9\)/);
    } finally {
      cf.restore();
      sm.restore();
    }
  });
});
