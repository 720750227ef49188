// Secrets Manager has no local server: the client is mocked and the exact request asserted.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSecretReader, SECRET_TTL_MS } from '../../lambdas/adapters/secrets/secrets.js';
import { MissingEnvironment, requireEnv, tableNameFromEnv } from '../../lambdas/adapters/runtime/env.js';

const sm = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:whatsapp/app-secret-AbCdEf';

beforeEach(() => sm.reset());

describe('secret reader', () => {
  it('reads by the ARN in the environment and caches for five minutes', async () => {
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolvesOnce({ SecretString: 'v1' }).resolves({ SecretString: 'v2' });
    let now = 1_000;
    const reader = createSecretReader({ env: { APP_SECRET_ARN: ARN }, client: new SecretsManagerClient({}), now: () => now });
    expect(await reader.get('appSecret')).toBe('v1');
    now += SECRET_TTL_MS - 1;
    expect(await reader.get('appSecret')).toBe('v1');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: ARN });
    now += 2;
    expect(await reader.get('appSecret')).toBe('v2');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('does not cache a failed read, and forget() forces a re-read', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: 'ok' });
    const reader = createSecretReader({ env: { APP_SECRET_ARN: ARN }, client: new SecretsManagerClient({}) });
    await expect(reader.get('appSecret')).rejects.toThrow('throttled');
    expect(await reader.get('appSecret')).toBe('ok');
    reader.forget('appSecret');
    expect(await reader.get('appSecret')).toBe('ok');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('locally (no ARN) uses the plain variable and never calls AWS', async () => {
    const reader = createSecretReader({ env: { WHATSAPP_VERIFY_TOKEN: 'tok' }, client: new SecretsManagerClient({}) });
    expect(await reader.get('verifyToken')).toBe('tok');
    expect(sm.calls()).toHaveLength(0);
  });

  it('names both variables when neither is set, without any value in the message', async () => {
    const reader = createSecretReader({ env: {} });
    await expect(reader.get('accessToken')).rejects.toThrow(/ACCESS_TOKEN_ARN.*WHATSAPP_ACCESS_TOKEN/);
  });

  it('refuses a binary secret clearly', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    const reader = createSecretReader({ env: { APP_SECRET_ARN: ARN }, client: new SecretsManagerClient({}) });
    await expect(reader.get('appSecret')).rejects.toThrow(/no string value/);
  });
});

describe('env', () => {
  it('throws naming the missing variable', () => {
    expect(() => requireEnv('NOPE_X', {})).toThrow(new MissingEnvironment('environment variable NOPE_X is not set'));
    expect(() => requireEnv('BLANK', { BLANK: ' ' })).toThrow(/BLANK/);
    expect(tableNameFromEnv('messages', { MESSAGES_TABLE: 'm' })).toBe('m');
    expect(() => tableNameFromEnv('contacts', {})).toThrow(/CONTACTS_TABLE/);
  });
});
