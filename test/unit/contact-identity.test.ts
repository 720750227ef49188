import { describe, expect, it } from 'vitest';
import { aliasesFor, contactIdFor, e164FromWaId, identityKey, lookupAliases, normaliseEmail } from '../../lambdas/domain/shared/contact-identity.js';

describe('contact identity', () => {
  it('keys a new contact by BSUID first, else by wa_id', () => {
    expect(contactIdFor('meta', { userId: 'US.13491208655302741918', waId: '16505551234' })).toBe('US.13491208655302741918');
    expect(contactIdFor('meta', { waId: '16505551234' })).toBe('16505551234');
    expect(contactIdFor('meta', { name: 'no ids' })).toBeUndefined();
    expect(contactIdFor('meta', { waId: '<WHATSAPP_USER_PHONE_NUMBER>' })).toBeUndefined();
    expect(contactIdFor('meta', { userId: '  ' , waId: '16505551234' })).toBe('16505551234');
  });

  it('prefixes other channels so ids cannot collide with Meta\'s', () => {
    expect(contactIdFor('wazzup24', { waId: '16505551234' })).toBe('wazzup24-16505551234');
  });

  it('looks up by BSUID before phone, and aliases the E.164 phone too', () => {
    const user = { userId: 'KG.1', waId: '996555123456' };
    expect(lookupAliases(user)).toEqual([{ kind: 'user', value: 'KG.1' }, { kind: 'waid', value: '996555123456' }]);
    expect(aliasesFor(user)).toContainEqual({ kind: 'phone', value: '+996555123456' });
    expect(aliasesFor({ userId: 'KG.1' })).toEqual([{ kind: 'user', value: 'KG.1' }]);
  });

  it('turns wa_id into E.164 only when it is a plausible international number', () => {
    expect(e164FromWaId('996555123456')).toBe('+996555123456');
    expect(e164FromWaId('0123456789')).toBeUndefined();
    expect(e164FromWaId('1234567')).toBeUndefined();
    expect(e164FromWaId('1234567890123456')).toBeUndefined();
    expect(e164FromWaId(undefined)).toBeUndefined();
  });

  it('normalises e-mails and keys identities per channel', () => {
    expect(normaliseEmail('  Ann@Example.COM ')).toBe('ann@example.com');
    expect(identityKey('meta', { waId: '1' })).not.toBe(identityKey('wazzup24', { waId: '1' }));
    expect(identityKey('meta', {})).toBeUndefined();
  });
});
