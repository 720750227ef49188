import { describe, expect, it } from 'vitest';
import { diagnose, type DiagnoseFacts } from '../../lambdas/domain/diagnose/diagnose.js';
import { wazzupChecks, type WazzupFacts } from '../../lambdas/domain/diagnose/wazzup-diagnose.js';

const CH = '3f4c2b9e-6d0a-4c1e-9b7a-5e2d8f1a0c34';
const good: WazzupFacts = {
  channels: { ok: true, list: [{ channelId: CH, transport: 'whatsapp', plainId: '79011112233', state: 'active' }] },
  channelId: CH,
  webhook: { ok: true, uri: 'https://api.example.com/webhooks/wazzup24/s3cret', subscriptions: { messagesAndStatuses: true, channelsUpdates: true } },
  expectedPathSuffix: '/webhooks/wazzup24/s3cret',
};
const statusOf = (f: WazzupFacts) => Object.fromEntries(wazzupChecks(f).map((c) => [c.id, c.status]));

describe('wazzupChecks', () => {
  it('all ok for a valid key, an active channel and the webhook registered with this stack\'s secret', () => {
    expect(statusOf(good)).toEqual({ 'wazzup-key': 'ok', 'wazzup-channel': 'ok', 'wazzup-webhook': 'ok' });
  });

  it('fails a channel that left active, with what to do', () => {
    const f = { ...good, channels: { ok: true as const, list: [{ ...good.channels.ok ? good.channels.list[0]! : ({} as never), state: 'qr' }] } };
    const check = wazzupChecks(f).find((c) => c.id === 'wazzup-channel')!;
    expect(check).toMatchObject({ status: 'fail', detail: expect.stringContaining('"qr"'), hint: expect.stringMatching(/Scan the QR code/) });
  });

  it('fails a webhook registered elsewhere without printing its secret', () => {
    const check = wazzupChecks({ ...good, webhook: { ok: true, uri: 'https://other.example.net/hook/other-secret', subscriptions: { messagesAndStatuses: true } } }).find((c) => c.id === 'wazzup-webhook')!;
    expect(check.status).toBe('fail');
    expect(`${check.detail} ${check.hint}`).not.toContain('other-secret');
  });

  it('a bad key fails once; the checks that need it are skipped', () => {
    expect(statusOf({ channels: { ok: false, code: 'HTTP_ERROR', message: 'HTTP 401', hint: 'copy the key' } })).toEqual({ 'wazzup-key': 'fail', 'wazzup-channel': 'skip', 'wazzup-webhook': 'skip' });
  });

  it('the report includes the Wazzup checks only when Wazzup24 is configured', () => {
    const base: DiagnoseFacts = { tokenPresent: false, wabas: [], verifyTokenSet: true, appSecretSet: true };
    const opts = { now: new Date(), expiryWarnDays: 14, tokenHome: 'x' };
    expect(diagnose(base, opts).checks.some((c) => c.id.startsWith('wazzup'))).toBe(false);
    expect(diagnose({ ...base, wazzup: good }, opts).checks.filter((c) => c.id.startsWith('wazzup'))).toHaveLength(3);
  });
});
