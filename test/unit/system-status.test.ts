// The system status from its parts (domain/operations/system-status.ts) and the admin's `/status` text in ru and en.
import { describe, expect, it } from 'vitest';
import { adminStatusText } from '../../lambdas/domain/bot/admin-texts.js';
import { systemStatus, type StatusSources } from '../../lambdas/domain/operations/system-status.js';

const now = new Date('2026-12-06T12:00:00Z');
const nowS = now.getTime() / 1000;
const healthy: StatusSources = {
  queues: async () => ({ outbound: { depth: 2, inFlight: 1, deadLetters: 0 }, card: { depth: 0, inFlight: 0, deadLetters: 0 } }),
  token: async () => ({ isValid: true, expiresAt: nowS + 20 * 86400 + 60, scopes: [], granularScopes: [] }),
  lastInbound: async () => ({ meta: '2026-12-06T11:58:00.000Z', wazzup24: '2026-12-06T09:00:00.000Z' }),
};

describe('systemStatus', () => {
  it('is ok when the token is valid, nothing is dead-lettered and every channel is active; lastInboundAt is the newest channel', async () => {
    const status = await systemStatus({ ...healthy, channels: async () => [{ channelId: 'c1', transport: 'whatsapp', state: 'active' }] }, now);
    expect(status).toEqual({
      ok: true,
      queues: { outbound: { depth: 2, inFlight: 1, deadLetters: 0 }, card: { depth: 0, inFlight: 0, deadLetters: 0 } },
      token: { valid: true, daysLeft: 20 },
      lastInboundAt: '2026-12-06T11:58:00.000Z',
      channels: [{ channelId: 'c1', transport: 'whatsapp', state: 'active', active: true }],
    });
  });

  it('is not ok with dead letters, an invalid token or an inactive channel; a part that fails is listed, the rest still read', async () => {
    const status = await systemStatus(
      {
        queues: async () => ({ outbound: { depth: 0, inFlight: 0, deadLetters: 3 } }),
        token: async () => ({ isValid: false, expiresAt: nowS - 10, scopes: [], granularScopes: [], error: { code: 190, subcode: 463 } }),
        lastInbound: async () => {
          throw new Error('table unavailable');
        },
        channels: async () => [{ channelId: 'c1', state: 'qr' }],
      },
      now,
    );
    expect(status).toEqual({
      ok: false,
      queues: { outbound: { depth: 0, inFlight: 0, deadLetters: 3 } },
      token: { valid: false, daysLeft: -1, reason: 'it has expired' },
      channels: [{ channelId: 'c1', state: 'qr', active: false }],
      errors: [{ part: 'lastInbound', message: 'table unavailable' }],
    });
  });

  it('a system without a Meta token (Wazzup24 only) says so and is not failed for it; never-expiring tokens have no daysLeft', async () => {
    expect((await systemStatus({ ...healthy, token: async () => undefined }, now)).token).toEqual({ valid: false, configured: false, reason: 'no access token is configured' });
    expect((await systemStatus({ ...healthy, token: async () => undefined }, now)).ok).toBe(true);
    expect((await systemStatus({ ...healthy, token: async () => ({ isValid: true, expiresAt: 0, scopes: [], granularScopes: [] }) }, now)).token).toEqual({ valid: true, neverExpires: true });
  });
});

describe('adminStatusText', () => {
  it('English and Russian, every part on its line', async () => {
    const status = await systemStatus({ ...healthy, channels: async () => [{ channelId: '3f0c9e1a-aaaa', transport: 'whatsapp', state: 'phoneUnavailable' }] }, now);
    expect(adminStatusText('en', status)).toBe(
      [
        'System status: Needs attention.',
        '',
        'Queues:',
        '• outbound: 2 waiting, 1 in progress, 0 dead letters',
        '• card: 0 waiting, 0 in progress, 0 dead letters',
        '',
        'Access token: valid, 20 day(s) left',
        'Last inbound message: 6 December 2026, 11:58 UTC',
        '',
        'Wazzup24 channels:',
        '• whatsapp 3f0c9e1a: phoneUnavailable ⚠️',
      ].join('\n'),
    );
    expect(adminStatusText('ru', status, { timeZone: 'Asia/Bishkek' })).toBe(
      [
        'Состояние системы: Требует внимания.',
        '',
        'Очереди:',
        '• outbound: ждут 2, в работе 1, в очереди ошибок 0',
        '• card: ждут 0, в работе 0, в очереди ошибок 0',
        '',
        'Токен доступа: действителен, осталось дней: 20',
        'Последнее входящее сообщение: 6 декабря 2026 г., 17:58 UTC+6',
        '',
        'Каналы Wazzup24:',
        '• whatsapp 3f0c9e1a: phoneUnavailable ⚠️',
      ].join('\n'),
    );
  });

  it('an invalid token, no inbound yet and unreadable parts', async () => {
    const status = await systemStatus(
      { ...healthy, token: async () => ({ isValid: false, scopes: [], granularScopes: [], error: { subcode: 460 } }), lastInbound: async () => ({}), queues: async () => Promise.reject(new Error('AccessDenied')) },
      now,
    );
    const text = adminStatusText('en', status);
    expect(text).toContain('Access token: NOT valid (it was invalidated (password change or revoked))');
    expect(text).toContain('Last inbound message: none yet');
    expect(text).toContain('Could not read queues: AccessDenied');
    expect(text).not.toContain('Queues:');
  });
});
