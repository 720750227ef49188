import { describe, expect, it } from 'vitest';
import { signMetaBody } from '../../lambdas/domain/inbound/signature.js';
import {
  checkMetaSignature,
  checkSignatureHeader,
  checkVerifyToken,
  checkWazzupCrmKey,
  checkWazzupPathSecret,
  readHandshake,
} from '../../lambdas/domain/inbound/webhook-auth.js';

describe('readHandshake', () => {
  it('takes a subscribe request with a token and a challenge', () => {
    expect(readHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 't', 'hub.challenge': '42' })).toEqual({ ok: true, token: 't', challenge: '42' });
  });

  it('refuses another mode or a missing token (403) and a missing challenge (400)', () => {
    expect(readHandshake({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 't', 'hub.challenge': '1' })).toMatchObject({ ok: false, status: 403 });
    expect(readHandshake({ 'hub.mode': 'subscribe', 'hub.challenge': '1' })).toMatchObject({ ok: false, status: 403 });
    expect(readHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 't', 'hub.challenge': '' })).toMatchObject({ ok: false, status: 400 });
  });
});

describe('checkVerifyToken', () => {
  it('accepts the configured token, refuses another (403) and an unconfigured one (500)', () => {
    expect(checkVerifyToken('tok', 'tok')).toEqual({ ok: true });
    expect(checkVerifyToken('tok', 'other')).toMatchObject({ ok: false, status: 403, log: { level: 'warn' } });
    expect(checkVerifyToken('tok', '')).toMatchObject({ ok: false, status: 500 });
  });
});

describe('Meta signatures', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account"}');

  it('checks the header shape before any secret is needed', () => {
    expect(checkSignatureHeader(signMetaBody(body, 'x'))).toEqual({ ok: true });
    expect(checkSignatureHeader('')).toMatchObject({ ok: false, status: 401, message: 'missing X-Hub-Signature-256 header' });
    expect(checkSignatureHeader('sha1=abc')).toMatchObject({ ok: false, status: 401 });
  });

  it('accepts the HMAC of the exact body, refuses another secret or body, and 500s on an empty secret', () => {
    expect(checkMetaSignature(body, signMetaBody(body, 'app-secret'), 'app-secret')).toEqual({ ok: true });
    expect(checkMetaSignature(body, signMetaBody(body, 'other'), 'app-secret')).toMatchObject({ ok: false, status: 401, log: { level: 'warn' } });
    expect(checkMetaSignature(Buffer.from(`${body} `), signMetaBody(body, 'app-secret'), 'app-secret')).toMatchObject({ ok: false, status: 401 });
    expect(checkMetaSignature(body, signMetaBody(body, 'app-secret'), '  ')).toMatchObject({ ok: false, status: 500, log: { level: 'error' } });
  });
});

describe('checkWazzupPathSecret', () => {
  it('accepts the configured secret only', () => {
    expect(checkWazzupPathSecret('s3cret', 's3cret')).toEqual({ ok: true });
    expect(checkWazzupPathSecret('s3creT', 's3cret')).toMatchObject({ ok: false, status: 401, log: { level: 'warn' } });
    expect(checkWazzupPathSecret('s3cret-and-more', 's3cret')).toMatchObject({ ok: false, status: 401 });
  });

  it('answers a missing secret 401 without an operator log line', () => {
    const verdict = checkWazzupPathSecret(undefined, 's3cret');
    expect(verdict).toMatchObject({ ok: false, status: 401 });
    expect(verdict).not.toHaveProperty('log');
  });

  it('treats an unconfigured secret as a 500 for the operator, whatever was sent', () => {
    expect(checkWazzupPathSecret('anything', '')).toMatchObject({ ok: false, status: 500, log: { level: 'error' } });
  });

  it('never puts the secret in the answer or the log', () => {
    const verdict = checkWazzupPathSecret('guess', 'the-real-secret');
    expect(JSON.stringify(verdict)).not.toContain('the-real-secret');
  });
});

describe('checkWazzupCrmKey', () => {
  it('requires nothing when no crmKey is configured', () => {
    expect(checkWazzupCrmKey(undefined, '')).toEqual({ ok: true });
  });

  it('accepts "Bearer <crmKey>" in any case of the scheme, with surrounding spaces', () => {
    expect(checkWazzupCrmKey('Bearer key-1', 'key-1')).toEqual({ ok: true });
    expect(checkWazzupCrmKey('  bearer   key-1  ', 'key-1')).toEqual({ ok: true });
  });

  it('refuses a missing header, another scheme or another key', () => {
    for (const header of [undefined, '', 'key-1', 'Basic key-1', 'Bearer key-2', 'Bearer ']) {
      expect(checkWazzupCrmKey(header, 'key-1')).toMatchObject({ ok: false, status: 401, log: { level: 'warn' } });
    }
  });
});
