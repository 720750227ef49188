// User keys and bodies (domain/users/users.ts) and which webhook events raise an alert (domain/operations/events.ts).
import { describe, expect, it } from 'vitest';
import { eventAlerts } from '../../lambdas/domain/operations/events.js';
import { parseUserBody, parseUserKey, userKeysOf } from '../../lambdas/domain/users/users.js';

describe('parseUserKey', () => {
  it.each([
    ['+7 (999) 123-45-67', '79991234567'],
    ['79991234567', '79991234567'],
    ['0079991234567', '79991234567'],
    ['+996 555 123 456', '996555123456'],
    ['  +49 151 12345678 ', '4915112345678'],
    ['US.13491208655302741918', 'US.13491208655302741918'],
    ['US.ENT.abc123', 'US.ENT.abc123'],
  ])('%s -> %s', (raw, key) => expect(parseUserKey(raw)).toEqual({ ok: true, value: key }));

  it.each(['', 'abc', '12', '+7 999', 'us.123', 'US.', '+1 (555) 12a'])('%j is refused, naming the field id', (raw) => {
    expect(parseUserKey(raw)).toMatchObject({ ok: false, field: 'id' });
  });
});

describe('parseUserBody', () => {
  it('takes userId, role and an optional name, trimmed', () => {
    expect(parseUserBody({ userId: ' u1 ', role: 'staff', name: ' Anna ' })).toEqual({ ok: true, value: { userId: 'u1', role: 'staff', name: 'Anna' } });
    expect(parseUserBody({ userId: 'u1', role: 'customer', name: '  ' })).toEqual({ ok: true, value: { userId: 'u1', role: 'customer' } });
  });

  it.each([
    [null, 'body'],
    [[], 'body'],
    [{ role: 'admin' }, 'userId'],
    [{ userId: 'x'.repeat(129), role: 'admin' }, 'userId'],
    [{ userId: 'u', role: 'root' }, 'role'],
    [{ userId: 'u', role: 'ADMIN' }, 'role'],
    [{ userId: 'u', role: 'admin', name: 1 }, 'name'],
    [{ userId: 'u', role: 'admin', phone: '1' }, 'phone'],
  ])('%j -> 400 on %s', (body, field) => expect(parseUserBody(body)).toMatchObject({ ok: false, field }));
});

describe('userKeysOf', () => {
  it('BSUID first, then the wa_id, then other phones, without repeats', () => {
    expect(userKeysOf({ userId: 'KG.1', waId: '996555123456', phones: ['+996555123456', '+79991234567'] })).toEqual(['KG.1', '996555123456', '79991234567']);
    expect(userKeysOf({ phones: [] })).toEqual([]);
  });
});

describe('eventAlerts', () => {
  const template = (event: string) => ({ field: 'message_template_status_update', raw: { event, message_template_name: 'promo' } });
  it.each(['PAUSED', 'DISABLED', 'REJECTED', 'paused'])('a template %s raises TemplateAlerts', (event) => {
    expect(eventAlerts(template(event))).toEqual([{ metric: 'TemplateAlerts', state: event.toUpperCase() }]);
  });
  it.each(['APPROVED', 'PENDING', 'FLAGGED', 'REINSTATED'])('a template %s raises nothing', (event) => expect(eventAlerts(template(event))).toEqual([]));

  it('a FLAGGED number and a RED quality raise NumberQualityAlerts; upgrades do not', () => {
    expect(eventAlerts({ field: 'phone_number_quality_update', raw: { event: 'FLAGGED', current_limit: 'TIER_10K' } })).toEqual([{ metric: 'NumberQualityAlerts', state: 'FLAGGED' }]);
    expect(eventAlerts({ field: 'phone_number_quality_update', raw: { event: 'DOWNGRADE', quality_rating: 'RED' } })).toEqual([{ metric: 'NumberQualityAlerts', state: 'RED' }]);
    expect(eventAlerts({ field: 'phone_number_quality_update', raw: { event: 'THROUGHPUT_UPGRADE' } })).toEqual([]);
  });

  it('account restrictions alert, verifications do not; other fields and odd values never do', () => {
    expect(eventAlerts({ field: 'account_update', raw: { event: 'DISABLED_UPDATE', ban_info: {} } })).toEqual([{ metric: 'AccountAlerts', state: 'DISABLED_UPDATE' }]);
    expect(eventAlerts({ field: 'account_update', raw: { event: 'VERIFIED_ACCOUNT' } })).toEqual([]);
    expect(eventAlerts({ field: 'calls', raw: { event: 'PAUSED' } })).toEqual([]);
    expect(eventAlerts({ field: 'account_update', raw: 'ACCOUNT_RESTRICTION' })).toEqual([]);
    expect(eventAlerts({ field: 'message_template_status_update', raw: { event: 7 } })).toEqual([]);
  });
});
