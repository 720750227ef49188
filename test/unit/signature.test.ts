import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signMetaBody, verifyMetaSignature } from '../../lambdas/domain/inbound/signature.js';
import { loadMetaCorpus } from '../support/meta-corpus.js';

const SECRET = 'app-secret-0123456789abcdef';
const OTHER = 'another-secret-fedcba9876543210';
const enc = (s: string) => new TextEncoder().encode(s);

describe('signMetaBody', () => {
  it('is sha256= followed by the lowercase hex HMAC-SHA256 of the bytes', () => {
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    const expected = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(signMetaBody(body, SECRET)).toBe(`sha256=${expected}`);
    expect(signMetaBody(enc(body), SECRET)).toBe(`sha256=${expected}`);
    expect(signMetaBody(body, SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});

describe('verifyMetaSignature', () => {
  const corpus = loadMetaCorpus();

  it('accepts the signature of every corpus file over its exact bytes', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(70);
    for (const { name, raw } of corpus) {
      expect(verifyMetaSignature(raw, signMetaBody(raw, SECRET), [SECRET]), name).toBe(true);
    }
  });

  it('rejects a body with one byte changed', () => {
    const raw = corpus.find((c) => c.name === 'meta-openapi__text_message')!.raw;
    const header = signMetaBody(raw, SECRET);
    const tampered = Buffer.from(raw);
    const i = tampered.length - 3;
    tampered[i] = tampered[i]! ^ 0x01;
    expect(verifyMetaSignature(tampered, header, [SECRET])).toBe(false);
  });

  it('rejects the signature made with another secret', () => {
    const body = enc('{"entry":[]}');
    expect(verifyMetaSignature(body, signMetaBody(body, OTHER), [SECRET])).toBe(false);
  });

  it('accepts any secret of a rotation list, and rejects when none matches', () => {
    const body = enc('{"entry":[{"id":"1"}]}');
    expect(verifyMetaSignature(body, signMetaBody(body, OTHER), [SECRET, OTHER])).toBe(true);
    expect(verifyMetaSignature(body, signMetaBody(body, SECRET), [SECRET, OTHER])).toBe(true);
    expect(verifyMetaSignature(body, signMetaBody(body, 'third'), [SECRET, OTHER])).toBe(false);
    expect(verifyMetaSignature(body, signMetaBody(body, SECRET), [])).toBe(false);
    // An empty configured secret is never a key anyone can sign with.
    expect(verifyMetaSignature(body, signMetaBody(body, ''), [''])).toBe(false);
  });

  it('rejects missing and malformed headers', () => {
    const body = enc('{}');
    const good = signMetaBody(body, SECRET);
    const hex = good.slice('sha256='.length);
    for (const header of [
      undefined,
      '',
      'sha256=',
      hex, // no prefix
      `sha1=${hex}`,
      `sha256=${hex.slice(0, 63)}`, // short
      `sha256=${hex}00`, // long
      `sha256=${hex.slice(0, 62)}zz`, // not hex
      `sha256= ${hex}`,
      `sha256=${hex},sha256=${hex}`,
    ]) {
      expect(verifyMetaSignature(body, header, [SECRET]), String(header)).toBe(false);
    }
  });

  it('accepts an upper-case hex digest and surrounding whitespace (header values are case-insensitive hex)', () => {
    const body = enc('{}');
    const hex = signMetaBody(body, SECRET).slice('sha256='.length);
    expect(verifyMetaSignature(body, `sha256=${hex.toUpperCase()}`, [SECRET])).toBe(true);
    expect(verifyMetaSignature(body, ` sha256=${hex} `, [SECRET])).toBe(true);
  });

  it('is computed over the escaped bytes Meta sends, not the decoded text', () => {
    const escaped = '{"text":{"body":"Caf\\u00e9 http:\\/\\/x"}}';
    const decoded = JSON.stringify(JSON.parse(escaped)); // {"text":{"body":"Café http://x"}}
    expect(decoded).not.toBe(escaped);
    const header = signMetaBody(enc(escaped), SECRET);
    expect(verifyMetaSignature(enc(escaped), header, [SECRET])).toBe(true);
    expect(verifyMetaSignature(enc(decoded), header, [SECRET])).toBe(false);
  });

  it('handles raw non-ASCII UTF-8 bodies', () => {
    const body = enc('{"body":"äöå 😀 привет"}');
    expect(verifyMetaSignature(body, signMetaBody(body, SECRET), [SECRET])).toBe(true);
    expect(verifyMetaSignature(body, signMetaBody('{"body":"aoa"}', SECRET), [SECRET])).toBe(false);
  });

  it('property: any body signs and verifies; any single-byte change fails', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (body, secret, at, flip) => {
          const header = signMetaBody(body, secret);
          expect(verifyMetaSignature(body, header, [secret])).toBe(true);
          const changed = Uint8Array.from(body);
          const i = at % changed.length;
          changed[i] = (changed[i]! ^ flip) & 0xff;
          expect(verifyMetaSignature(changed, header, [secret])).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
