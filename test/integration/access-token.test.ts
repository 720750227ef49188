// The access token cache every Lambda uses: one Secrets Manager read per TTL, a forced re-read after Graph
// error 190 (shared by concurrent callers, throttled for a token that is really dead), and the Graph client
// recovering from a replaced token without a restart.
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessTokenSource } from '../../lambdas/adapters/meta/access-token.js';
import { GraphClient, GraphError } from '../../lambdas/adapters/meta/graph-client.js';
import { createSecretReader, SecretUnavailable } from '../../lambdas/adapters/secrets/secrets.js';
import { tokenLifecycle } from '../../lib/resources.js';
import { DEFAULT_PHONE_NUMBER_ID, startGraphSandbox, type GraphSandbox } from '../../lib/local/graph-sandbox.js';
import { secretsManagerVersions, type SecretsManagerVersions } from '../support/secrets-manager-versions.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:accessToken-XyZ123';
const FIRST = 'EAAG-cache-first-token';

let sm: SecretsManagerVersions;
let clock: number;

beforeEach(() => {
  sm?.mock.restore();
  sm = secretsManagerVersions(ARN);
  sm.putCurrent('v1', FIRST);
  clock = 1_000_000;
});

function source(minRefreshIntervalMs = 5_000) {
  const reader = createSecretReader({
    env: { ACCESS_TOKEN_ARN: ARN },
    client: sm.client,
    now: () => clock,
    ttlMs: tokenLifecycle.cacheTtlSeconds * 1000,
  });
  return createAccessTokenSource({ reader, now: () => clock, minRefreshIntervalMs });
}
const reads = () => sm.mock.commandCalls(GetSecretValueCommand).length;

describe('cache', () => {
  it('reads the secret once per TTL', async () => {
    const get = source();
    expect(await get()).toBe(FIRST);
    clock += tokenLifecycle.cacheTtlSeconds * 1000 - 1;
    expect(await get()).toBe(FIRST);
    expect(reads()).toBe(1);
    sm.putCurrent('v2', 'EAAG-second');
    clock += 2;
    expect(await get()).toBe('EAAG-second');
    expect(reads()).toBe(2);
    expect(sm.mock.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: ARN });
  });

  it('refresh re-reads at once; concurrent refreshes and a burst within the interval share one read', async () => {
    const get = source();
    await get();
    sm.putCurrent('v2', 'EAAG-second');
    expect(await get()).toBe(FIRST);
    const both = await Promise.all([get({ refresh: true }), get({ refresh: true })]);
    expect(both).toEqual(['EAAG-second', 'EAAG-second']);
    expect(reads()).toBe(2);
    clock += 1_000;
    expect(await get({ refresh: true })).toBe('EAAG-second');
    expect(reads()).toBe(2);
    clock += 5_000;
    await get({ refresh: true });
    expect(reads()).toBe(3);
  });

  it('an empty secret is a clear error that names no value; a failed read is retried next time', async () => {
    sm.putCurrent('v2', '  \n');
    const get = source();
    const error = await get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretUnavailable);
    expect((error as Error).message).toMatch(/empty/);
    sm.putCurrent('v3', ` ${FIRST}\n`);
    clock += tokenLifecycle.cacheTtlSeconds * 1000 + 1;
    expect(await get()).toBe(FIRST);
  });
});

describe('Graph error 190 with the sandbox', () => {
  let sandbox: GraphSandbox;
  beforeAll(async () => {
    sandbox = await startGraphSandbox({ appSecret: 'cache-test-secret', accessToken: FIRST });
  });
  afterAll(async () => sandbox.close());

  it('a token replaced in the secret (old one revoked) is used by the next call of a warm client', async () => {
    const graph = new GraphClient({ baseUrl: sandbox.url, getToken: source(0) });
    await graph.getPhoneNumber(DEFAULT_PHONE_NUMBER_ID);
    sandbox.addToken({ token: 'EAAG-pasted-by-operator' });
    sm.putCurrent('v2', 'EAAG-pasted-by-operator');
    sandbox.accounts.tokens.find((t) => t.token === FIRST)!.revoked = true;

    const sent = await graph.sendMessage(DEFAULT_PHONE_NUMBER_ID, { kind: 'text', to: '+15550001111', text: 'hi' });
    expect(sent.messageId).toBeTruthy();
    const sends = sandbox.requests.filter((r) => r.path.endsWith('/messages'));
    expect(sends.map((r) => [r.token, r.status])).toEqual([
      [FIRST, 401],
      ['EAAG-pasted-by-operator', 200],
    ]);
  });

  it('when the secret still holds the dead token, the call fails once with the 190 hint instead of looping', async () => {
    sandbox.reset();
    sm.putCurrent('v3', 'EAAG-dead');
    sandbox.addToken({ token: 'EAAG-dead', revoked: true });
    const graph = new GraphClient({ baseUrl: sandbox.url, getToken: source(0) });
    const error = await graph.getPhoneNumber(DEFAULT_PHONE_NUMBER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).code).toBe(190);
    expect((error as GraphError).error.hint).toMatch(/wa token rotate/);
    expect(sandbox.requests).toHaveLength(2);
  });
});
