// The four rotation steps against the Graph sandbox, with Secrets Manager's versions emulated behind
// aws-sdk-client-mock and every command asserted exactly: a full rotation, retried steps of a half-finished
// one, the never-expiring token, a pending token that fails its test, and the send path picking up the new
// token without a restart.
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccessTokenSource } from '../../lambdas/adapters/meta/access-token.js';
import { GraphClient } from '../../lambdas/adapters/meta/graph-client.js';
import { createSecretReader } from '../../lambdas/adapters/secrets/secrets.js';
import { createSecretVersionStore } from '../../lambdas/adapters/secrets/secret-versions.js';
import { createTokenAuthority } from '../../lambdas/adapters/meta/token-authority.js';
import { RotationError, runRotationStep, type RotationDeps, type RotationStep } from '../../lambdas/domain/token/token-rotation.js';
import { createRotationHandler, InvalidRotationEvent } from '../../lambdas/handlers/token-rotation.js';
import { createMetricSink } from '../../lambdas/adapters/runtime/metrics.js';
import type { MetricSink } from '../../lambdas/domain/shared/metric-catalog.js';
import { createTokenWatchHandler, type WatchDeps } from '../../lambdas/handlers/token-watch.js';
import { DEFAULT_APP_ID, DEFAULT_PHONE_NUMBER_ID, DEFAULT_WABA_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { secretsManagerVersions, type SecretsManagerVersions } from '../support/secrets-manager-versions.js';

const APP_SECRET = 'rotation-test-app-secret';
const OLD_TOKEN = 'EAAG-rotation-old-token';
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:accessTokenSecret-AbCdEf';

let sandbox: GraphSandbox;
let sm: SecretsManagerVersions;
let logs: string[];

beforeAll(async () => {
  sandbox = await startGraphSandbox({ appSecret: APP_SECRET, accessToken: OLD_TOKEN });
});
afterAll(async () => sandbox.close());

beforeEach(() => {
  sandbox.reset();
  // Each test starts from a fresh 60-day token as AWSCURRENT.
  sandbox.accounts.tokens.splice(1);
  const t = sandbox.accounts.tokens[0]!;
  t.expiresAt = Math.floor(Date.now() / 1000) + 40 * 86400 + 3600;
  t.scopes = ['whatsapp_business_management', 'whatsapp_business_messaging', 'business_management'];
  delete t.revoked;
  sm?.mock.restore();
  sm = secretsManagerVersions(ARN);
  sm.putCurrent('v-initial', OLD_TOKEN, new Date(Date.now() - 30 * 86400_000));
  logs = [];
});

function deps(overrides: { phoneNumberId?: string } = {}): RotationDeps {
  return {
    store: createSecretVersionStore(sm.client),
    authority: createTokenAuthority({
      graph: { baseUrl: sandbox.url },
      appId: DEFAULT_APP_ID,
      appSecret: async () => APP_SECRET,
      phoneNumberId: overrides.phoneNumberId ?? DEFAULT_PHONE_NUMBER_ID,
    }),
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
  };
}

const step = (s: RotationStep, token: string, d = deps()) => runRotationStep({ step: s, secretId: ARN, clientRequestToken: token }, d);
const exchanges = () => sandbox.requests.filter((r) => r.path === '/oauth/access_token');

describe('a full rotation', () => {
  it('refreshes through oauth/access_token, tests with debug_token and a phone read, then promotes', async () => {
    sm.startRotation('v-2');
    expect(await step('createSecret', 'v-2')).toBe('refreshed');
    expect(await step('setSecret', 'v-2')).toBe('nothing-to-set');
    expect(await step('testSecret', 'v-2')).toBe('tested');
    expect(await step('finishSecret', 'v-2')).toBe('promoted');

    const [exchange] = exchanges();
    expect(exchanges()).toHaveLength(1);
    expect(exchange?.query).toEqual({
      grant_type: 'fb_exchange_token',
      client_id: DEFAULT_APP_ID,
      client_secret: APP_SECRET,
      set_token_expires_in_60_days: 'true',
      fb_exchange_token: OLD_TOKEN,
    });
    const newToken = (exchange?.response as { access_token: string }).access_token;
    expect(newToken).not.toBe(OLD_TOKEN);

    // Exactly what Secrets Manager received, in order.
    expect(sm.mock.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: ARN, ClientRequestToken: 'v-2', SecretString: newToken, VersionStages: ['AWSPENDING'] },
    ]);
    expect(sm.mock.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: 'v-2', RemoveFromVersionId: 'v-initial' },
    ]);
    expect(sm.mock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: ARN, VersionStage: 'AWSCURRENT' },
      { SecretId: ARN, VersionStage: 'AWSPENDING', VersionId: 'v-2' },
      { SecretId: ARN, VersionStage: 'AWSPENDING', VersionId: 'v-2' },
    ]);
    expect(sm.mock.commandCalls(DescribeSecretCommand)).toHaveLength(4);
    expect(sm.current()).toBe(newToken);
    expect([...sm.versions.get('v-initial')!.stages]).toEqual(['AWSPREVIOUS']);

    // testSecret asked debug_token about the pending token with the app token, and read the phone number with it.
    const debug = sandbox.requests.filter((r) => r.path === '/debug_token' && r.query['input_token'] === newToken);
    expect(debug.map((r) => r.token)).toEqual([`${DEFAULT_APP_ID}|${APP_SECRET}`]);
    const probe = sandbox.requests.find((r) => r.path === `/${DEFAULT_PHONE_NUMBER_ID}`);
    expect(probe).toMatchObject({ token: newToken, status: 200 });
    // Nothing the rotation logged carries a token.
    for (const line of logs) for (const t of [OLD_TOKEN, newToken, APP_SECRET]) expect(line).not.toContain(t);
  });

  it('leaves a token the send path picks up without a restart when the old one stops working', async () => {
    const reader = createSecretReader({ env: { ACCESS_TOKEN_ARN: ARN }, client: sm.client });
    const graph = new GraphClient({ baseUrl: sandbox.url, getToken: createAccessTokenSource({ reader, minRefreshIntervalMs: 0 }) });
    await graph.sendMessage(DEFAULT_PHONE_NUMBER_ID, { kind: 'text', to: '+15551234567', text: 'before' });
    expect(sandbox.sent.at(-1)).toBeDefined();
    expect(sandbox.requests.at(-1)?.token).toBe(OLD_TOKEN);

    sm.startRotation('v-3');
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await step(s, 'v-3');
    const newToken = sm.current()!;
    // The old token dies (revoked); the warm client still has it cached.
    sandbox.accounts.tokens.find((t) => t.token === OLD_TOKEN)!.revoked = true;

    const sent = await graph.sendMessage(DEFAULT_PHONE_NUMBER_ID, { kind: 'text', to: '+15551234567', text: 'after' });
    expect(sent.messageId).toMatch(/^wamid\./);
    const sends = sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(sends.slice(-2).map((r) => [r.token, r.status])).toEqual([
      [OLD_TOKEN, 401],
      [newToken, 200],
    ]);
  });
});

describe('retried and half-finished rotations', () => {
  it('a retried createSecret finds its AWSPENDING version and refreshes nothing', async () => {
    sm.startRotation('v-2');
    await step('createSecret', 'v-2');
    expect(await step('createSecret', 'v-2')).toBe('already-pending');
    expect(exchanges()).toHaveLength(1);
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(1);
  });

  it('a crash after finishSecret promoted: every retried step sees AWSCURRENT and changes nothing', async () => {
    sm.startRotation('v-2');
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await step(s, 'v-2');
    const calls = sm.mock.commandCalls(UpdateSecretVersionStageCommand).length;
    for (const s of ['finishSecret', 'testSecret', 'createSecret'] as const) expect(await step(s, 'v-2')).toBe('already-current');
    expect(sm.mock.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(calls);
    expect(sm.mock.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(exchanges()).toHaveLength(1);
  });

  it('a crash between createSecret and testSecret resumes with the stored token', async () => {
    sm.startRotation('v-2');
    await step('createSecret', 'v-2');
    const pending = sm.versions.get('v-2')!.value;
    // Secrets Manager retries the whole sequence from createSecret.
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await step(s, 'v-2');
    expect(sm.current()).toBe(pending);
    expect(exchanges()).toHaveLength(1);
  });

  it('refuses a version that is not AWSPENDING or unknown', async () => {
    await expect(step('createSecret', 'v-unknown')).rejects.toThrow(/no staging label/);
    sm.putCurrent('v-other', 'x');
    sm.versions.get('v-initial')!.stages.clear();
    sm.versions.set('v-loose', { value: 'y', stages: new Set(['CUSTOM']), createdAt: new Date() });
    await expect(step('testSecret', 'v-loose')).rejects.toThrow(/not AWSPENDING/);
  });
});

describe('a token that never expires', () => {
  it('is not refreshed: createSecret re-stages the same value, test and finish complete the rotation', async () => {
    sandbox.accounts.tokens[0]!.expiresAt = 0;
    sm.startRotation('v-2');
    expect(await step('createSecret', 'v-2')).toBe('restaged-never-expiring');
    expect(await step('setSecret', 'v-2')).toBe('nothing-to-set');
    expect(await step('testSecret', 'v-2')).toBe('tested');
    expect(await step('finishSecret', 'v-2')).toBe('promoted');
    expect(exchanges()).toHaveLength(0);
    expect(sm.mock.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: ARN, ClientRequestToken: 'v-2', SecretString: OLD_TOKEN, VersionStages: ['AWSPENDING'] },
    ]);
    expect(sm.current()).toBe(OLD_TOKEN);
    expect(logs.some((l) => /never expires/.test(l) && /not refreshed/.test(l))).toBe(true);
  });
});

describe('rotations that must fail', () => {
  it('testSecret rejects a pending token without whatsapp_business_messaging, and nothing is promoted', async () => {
    sm.startRotation('v-2');
    await step('createSecret', 'v-2');
    const pending = sm.versions.get('v-2')!.value!;
    sandbox.accounts.tokens.find((t) => t.token === pending)!.scopes = ['whatsapp_business_management'];
    await expect(step('testSecret', 'v-2')).rejects.toThrow(/lacks whatsapp_business_messaging/);
    expect(sm.mock.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    expect(sm.current()).toBe(OLD_TOKEN);
  });

  it('testSecret fails when the configured phone number id is really a WABA id', async () => {
    sm.startRotation('v-2');
    await step('createSecret', 'v-2', deps({ phoneNumberId: DEFAULT_WABA_ID }));
    await expect(step('testSecret', 'v-2', deps({ phoneNumberId: DEFAULT_WABA_ID }))).rejects.toThrow(/WhatsAppBusinessAccount/);
  });

  it('createSecret refuses an expired current token, without the token in the message', async () => {
    sandbox.accounts.tokens[0]!.expiresAt = Math.floor(Date.now() / 1000) - 60;
    sm.startRotation('v-2');
    const error = (await step('createSecret', 'v-2').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RotationError);
    expect(error.message).toMatch(/expired/);
    expect(error.message).not.toContain(OLD_TOKEN);
    expect(exchanges()).toHaveLength(0);
  });

  it('createSecret on an empty placeholder secret says how to store the token', async () => {
    sm.versions.clear();
    sm.startRotation('v-2');
    await expect(step('createSecret', 'v-2')).rejects.toThrow(/put-secret-value/);
  });
});

describe('the handler', () => {
  it('runs the step named by the event and rejects malformed events', async () => {
    const handler = createRotationHandler(deps());
    sm.startRotation('v-2');
    expect(await handler({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 'v-2' })).toBe('refreshed');
    await expect(handler({ Step: 'rotate' as never, SecretId: ARN, ClientRequestToken: 'v-2' })).rejects.toThrow(InvalidRotationEvent);
    await expect(handler({ Step: 'testSecret', SecretId: '', ClientRequestToken: 'v-2' })).rejects.toThrow(/SecretId/);
  });
});

describe('the expiry watch', () => {
  function watch(extra: Partial<WatchDeps> = {}) {
    const emitted: Record<string, number> = {};
    const record = (name: string, value: number): void => {
      emitted[name] = value;
    };
    const metrics: MetricSink = { emit: record as MetricSink['emit'] };
    const d = deps();
    const handler = createTokenWatchHandler({
      readToken: async () => sm.current() ?? '',
      authority: d.authority,
      metrics,
      log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
      ...extra,
    });
    return { handler, emitted };
  }

  it('publishes TokenDaysToExpiry and TokenValid as EMF in the WhatsAppBusiness namespace', async () => {
    // As in Lambda (not dev mode), through the catalogue's sink: one EMF document per metric on stdout.
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const d = deps();
      const sink = createMetricSink(new Metrics({ namespace: 'WhatsAppBusiness', serviceName: 'whatsapp' }));
      await createTokenWatchHandler({ readToken: async () => OLD_TOKEN, authority: d.authority, metrics: sink, log: { info: () => undefined, warn: () => undefined, error: () => undefined } })();
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    const docs = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs.map((d) => [d['TokenDaysToExpiry'] ?? d['TokenValid'], d['service']])).toEqual([
      [40, 'whatsapp'],
      [1, 'whatsapp'],
    ]);
    for (const d of docs) {
      const [cw] = (d['_aws'] as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }).CloudWatchMetrics;
      expect(cw).toMatchObject({ Namespace: 'WhatsAppBusiness', Dimensions: [['service']] });
    }
    expect(sandbox.requests.find((r) => r.path === '/debug_token')?.token).toBe(`${DEFAULT_APP_ID}|${APP_SECRET}`);
  });

  it('a never-expiring token reports 3650 days and says so; an expired one reports invalid', async () => {
    sandbox.accounts.tokens[0]!.expiresAt = 0;
    let w = watch();
    await w.handler();
    expect(w.emitted).toEqual({ TokenDaysToExpiry: 3650, TokenValid: 1 });
    expect(logs.some((l) => /never expires/.test(l) && /3650/.test(l))).toBe(true);

    sandbox.accounts.tokens[0]!.expiresAt = Math.floor(Date.now() / 1000) - 60;
    w = watch();
    await w.handler();
    expect(w.emitted).toEqual({ TokenDaysToExpiry: 0, TokenValid: 0 });
  });

  it('an empty secret reports TokenValid 0 so the validity alarm fires', async () => {
    const w = watch({ readToken: async () => Promise.reject(new Error('the access token secret is empty')) });
    await w.handler();
    expect(w.emitted).toEqual({ TokenValid: 0 });
  });

  it('revokes the previous token once the grace period is over (oauth/revoke), and the current one keeps working', async () => {
    sm.startRotation('v-2');
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await step(s, 'v-2');
    const d = deps();
    const revocation = { secretId: ARN, store: d.store, policy: { enabled: true, graceMinutes: 60 } };
    let w = watch({ revocation });
    expect((await w.handler()).revocation).toBe('in-grace');
    expect(sandbox.accounts.tokens[0]!.revoked).toBeUndefined();

    w = watch({ revocation, now: () => new Date(Date.now() + 61 * 60_000) });
    expect((await w.handler()).revocation).toBe('revoked');
    const revoke = sandbox.requests.find((r) => r.path === '/oauth/revoke');
    expect(revoke?.query).toEqual({ client_id: DEFAULT_APP_ID, client_secret: APP_SECRET, revoke_token: OLD_TOKEN });
    expect(sandbox.accounts.tokens[0]!.revoked).toBe(true);
    expect(w.emitted['TokenValid']).toBe(1);

    w = watch({ revocation, now: () => new Date(Date.now() + 62 * 60_000) });
    expect((await w.handler()).revocation).toBe('already-invalid');
    expect(sandbox.requests.filter((r) => r.path === '/oauth/revoke')).toHaveLength(1);
  });
});
