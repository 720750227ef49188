// Revoking the token a rotation replaced, and the step guard, over small in-memory versions of the two ports
// (the full rotation runs against the sandbox in test/integration/token-rotation.test.ts).
import { describe, expect, it } from 'vitest';
import {
  isRotationStep,
  revokePreviousIfDue,
  runRotationStep,
  type SecretVersionStore,
  type StoredVersion,
  type TokenAuthority,
} from '../../lambdas/domain/token/token-rotation.js';

const NOW = new Date('2026-09-01T12:00:00Z');

function world(opts: { previous?: string; current: string; rotatedMinutesAgo: number }) {
  const valid = new Set([opts.current, ...(opts.previous ? [opts.previous] : [])]);
  const revoked: string[] = [];
  const versions: Record<string, StoredVersion | undefined> = {
    AWSCURRENT: { value: opts.current, versionId: 'v2', createdAt: new Date(NOW.getTime() - opts.rotatedMinutesAgo * 60_000) },
    AWSPREVIOUS: opts.previous ? { value: opts.previous, versionId: 'v1' } : undefined,
  };
  const store: SecretVersionStore = {
    describe: async () => ({ rotationEnabled: true, versions: {} }),
    get: async (_id, select) => versions[select.stage],
    putPending: async () => undefined,
    promote: async () => undefined,
  };
  const authority: TokenAuthority = {
    inspect: async (token) => ({ isValid: valid.has(token), scopes: [], granularScopes: [], expiresAt: 0 }),
    refresh: async () => ({ token: 'unused' }),
    probe: async () => 'ok',
    revoke: async (token) => {
      revoked.push(token);
      valid.delete(token);
    },
  };
  return { store, authority, revoked, log: { info: () => undefined, warn: () => undefined }, now: () => NOW };
}

const policy = { enabled: true, graceMinutes: 60 };

describe('revokePreviousIfDue', () => {
  it('revokes the previous token once the grace period has passed, then leaves it alone', async () => {
    const w = world({ previous: 'old', current: 'new', rotatedMinutesAgo: 61 });
    expect(await revokePreviousIfDue('arn', policy, w)).toBe('revoked');
    expect(w.revoked).toEqual(['old']);
    expect(await revokePreviousIfDue('arn', policy, w)).toBe('already-invalid');
    expect(w.revoked).toEqual(['old']);
  });

  it('waits during the grace period, which outlasts every container cache', async () => {
    const w = world({ previous: 'old', current: 'new', rotatedMinutesAgo: 59 });
    expect(await revokePreviousIfDue('arn', policy, w)).toBe('in-grace');
    expect(w.revoked).toEqual([]);
  });

  it('never revokes the token in use: same value (never-expiring re-stage), no previous, or disabled', async () => {
    const same = world({ previous: 'tok', current: 'tok', rotatedMinutesAgo: 600 });
    expect(await revokePreviousIfDue('arn', policy, same)).toBe('unchanged');
    expect(await revokePreviousIfDue('arn', policy, world({ current: 'tok', rotatedMinutesAgo: 600 }))).toBe('no-previous');
    const off = world({ previous: 'old', current: 'new', rotatedMinutesAgo: 600 });
    expect(await revokePreviousIfDue('arn', { enabled: false, graceMinutes: 60 }, off)).toBe('disabled');
    expect([...same.revoked, ...off.revoked]).toEqual([]);
  });
});

describe('steps', () => {
  it('only the four Secrets Manager step names are steps', () => {
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) expect(isRotationStep(s)).toBe(true);
    for (const s of ['CreateSecret', 'rotate', '', undefined, 3]) expect(isRotationStep(s)).toBe(false);
  });

  it('a secret with rotation disabled is refused before anything is read', async () => {
    const w = world({ current: 'tok', rotatedMinutesAgo: 0 });
    w.store.describe = async () => ({ rotationEnabled: false, versions: { v2: ['AWSPENDING'] } });
    await expect(runRotationStep({ step: 'createSecret', secretId: 'arn', clientRequestToken: 'v2' }, w)).rejects.toThrow(/rotation is not enabled/);
  });
});
