// Which files WhatsApp takes: the type read from the content (lib/media-type.ts over file-type) and Meta's limits
// per kind (facts §5.4), on one small file of each format (test/fixtures/media).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkUpload, uploadKindOf } from '../../lambdas/domain/outbound/media-limits.js';
import { detectMediaType } from '../../lib/media-type.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/media/${name}`, import.meta.url));
const MB = 1024 * 1024;

describe('the type of a file, read from its content', () => {
  it.each([
    ['price-list.pdf', 'application/pdf', 'document'],
    ['offer.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
    ['note.txt', 'text/plain', 'document'],
    ['beep.mp3', 'audio/mpeg', 'audio'],
    ['voice.m4a', 'audio/mp4', 'audio'],
    ['voice.ogg', 'audio/ogg', 'audio'],
    ['voice.amr', 'audio/amr', 'audio'],
    ['clip.mp4', 'video/mp4', 'video'],
    ['clip.3gp', 'video/3gpp', 'video'],
  ])('%s is %s, sent as %s', async (name, mime, kind) => {
    const type = await detectMediaType(fixture(name), name);
    expect(type).toBe(mime);
    expect(uploadKindOf(type!)).toBe(kind);
  });

  it('a card photo is an image; the name never decides (a PDF called .jpg is a PDF)', async () => {
    expect(await detectMediaType(fixture('../cards/en-bizcard-qr.png'))).toBe('image/png');
    expect(await detectMediaType(fixture('price-list.pdf'), 'photo.jpg')).toBe('application/pdf');
  });

  it('binary data of no known type is undefined, not text', async () => {
    expect(await detectMediaType(new Uint8Array([0, 1, 2, 3, 0, 0, 9, 8]))).toBeUndefined();
    expect(await detectMediaType(new Uint8Array())).toBeUndefined();
  });
});

describe("Meta's limits, checked before an upload", () => {
  it('accepts each kind up to its limit and names the limit beyond it', () => {
    expect(checkUpload('image/png', 5 * MB)).toEqual({ ok: true, kind: 'image', mimeType: 'image/png' });
    expect(checkUpload('image/jpeg', 5 * MB + 1)).toEqual({ ok: false, reason: 'it is 5 MB (5242881 bytes); WhatsApp takes image files up to 5 MB (5242880 bytes)' });
    expect(checkUpload('video/mp4', 16 * MB + 1)).toMatchObject({ ok: false, reason: expect.stringContaining('video files up to 16 MB') });
    expect(checkUpload('audio/ogg', 16 * MB)).toMatchObject({ ok: true, kind: 'audio' });
    expect(checkUpload('application/pdf', 100 * MB)).toMatchObject({ ok: true, kind: 'document' });
    expect(checkUpload('application/pdf', 100 * MB + 1)).toMatchObject({ ok: false, reason: expect.stringContaining('document files up to 100 MB') });
    expect(checkUpload('image/webp', 400 * 1024, 'sticker')).toMatchObject({ ok: true, kind: 'sticker' });
  });

  it('refuses types WhatsApp does not take, empty files and unknown content, saying what it takes', async () => {
    const gif = checkUpload(await detectMediaType(fixture('pixel.gif')), 43);
    expect(gif).toMatchObject({ ok: false, reason: expect.stringMatching(/^image\/gif is not a type WhatsApp takes; it takes image: JPEG or PNG; audio: /) });
    expect(checkUpload('application/pdf', 0)).toEqual({ ok: false, reason: 'it is empty' });
    expect(checkUpload(undefined, 10)).toMatchObject({ ok: false, reason: expect.stringMatching(/could not be told from its content/) });
    expect(checkUpload('image/png', 10, 'document')).toMatchObject({ ok: false, reason: expect.stringContaining('as document') });
  });
});
