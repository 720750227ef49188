// OCR_ENGINE=auto's decisions (when Textract is asked, which read wins, what a Textract failure does) and the OCR
// timeout, over engines that answer given lines. Real tesseract.js and the Textract adapter are in
// test/integration/card-worker.test.ts; here each rule is shown alone.
import { describe, expect, it } from 'vitest';
import { createAutoOcr, OcrTimeout, withOcrTimeout } from '../../lambdas/adapters/cards/ocr-auto.js';
import { assessRead, scriptOf } from '../../lambdas/domain/cards/ocr-quality.js';
import type { OcrEngine, OcrImage, OcrLine, OcrResult } from '../../lambdas/domain/cards/ocr.js';

const lines = (...texts: string[]): OcrLine[] =>
  texts.map((text, i) => ({ text, confidence: 0.9, box: { left: 0.1, top: i / 10, width: 0.5, height: 0.05 } }));

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const WEBP = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ');
const PDF = new TextEncoder().encode('%PDF-1.4\n');

const RUSSIAN = lines('Иванов Иван Иванович', 'Генеральный директор', 'ООО «Ромашка»', 'Тел.: +7 (495) 123-45-67', 'ivanov@romashka.ru');
const LATIN_FULL = lines('John A. Smith', 'Sales Manager', 'Acme Corporation', 'Tel: +1 415 555 0100', 'john.smith@acme.com');
const LATIN_WEAK = lines('J0hn A. Sm1th', 'Sa1es Manaqer', 'Acme Corp0ration');
const TEXTRACT_READ = lines('John A. Smith', 'Acme Corporation', 'Tel: +1 415 555 0100', 'john.smith@acme.com');

function engine(answer: OcrLine[] | Error): OcrEngine & { calls: OcrImage[]; closed: number } {
  const e = {
    calls: [] as OcrImage[],
    closed: 0,
    async recognize(image: OcrImage): Promise<OcrResult> {
      e.calls.push(image);
      if (answer instanceof Error) throw answer;
      return { lines: answer };
    },
    async close() {
      e.closed += 1;
    },
  };
  return e;
}

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe('assessRead', () => {
  it('tells Cyrillic from Latin by the letters most of the read is in', () => {
    expect(scriptOf(RUSSIAN)).toBe('cyrillic');
    expect(scriptOf(LATIN_FULL)).toBe('latin');
    expect(scriptOf(lines('Иван Петров', 'ivan@ya.ru'))).toBe('cyrillic');
    expect(scriptOf(lines('Иван Петров', 'ivan.petrov@company.com'))).toBe('latin');
    expect(scriptOf(lines('+7 495 123 45 67'))).toBe('none');
    // A blurred Latin card read with Cyrillic data: unsure Cyrillic-looking letters, a sure Latin name (a real read).
    const blurred = [
      { text: 'Pr crt —', confidence: 0.14 },
      { text: 'tnd Tumis 4', confidence: 0.37 },
      { text: '„гесез тез шэ зсъә', confidence: 0.23 },
      { text: 'Ee зе зше зе —b—— .', confidence: 0.04 },
      { text: '® em ems +', confidence: 0.47 },
    ];
    expect(scriptOf(blurred)).toBe('latin');
    expect(scriptOf(blurred.map(({ text }) => ({ text })))).toBe('cyrillic');
  });

  it('a read with a way to reach the person and a name is strong; without either it is weak', () => {
    expect(assessRead(LATIN_FULL)).toMatchObject({ usable: true, weak: false });
    expect(assessRead(LATIN_WEAK)).toMatchObject({ usable: false, weak: true, score: 0 });
    expect(assessRead(lines('Tel: +1 415 555 0100'))).toMatchObject({ usable: true, weak: true });
    expect(assessRead(LATIN_FULL).score).toBeGreaterThan(assessRead(TEXTRACT_READ).score);
  });
});

describe('createAutoOcr', () => {
  it('a strong local read: Textract is not asked', async () => {
    const local = engine(LATIN_FULL);
    const remote = engine(TEXTRACT_READ);
    expect(await createAutoOcr({ local, remote }).recognize({ bytes: PNG })).toEqual({ lines: LATIN_FULL });
    expect(remote.calls).toEqual([]);
  });

  it('a weak Cyrillic read stays local: Textract does not read Cyrillic', async () => {
    const weakRussian = lines('Иванов Иван', 'ООО «Ромашка»');
    const remote = engine(TEXTRACT_READ);
    expect(await createAutoOcr({ local: engine(weakRussian), remote }).recognize({ bytes: PNG })).toEqual({ lines: weakRussian });
    expect(remote.calls).toEqual([]);
  });

  it('a weak Latin read: Textract is asked with the same image, and the better read wins', async () => {
    const remote = engine(TEXTRACT_READ);
    const image = { bytes: PNG, s3: { bucket: 'b', key: 'media/k' } };
    expect(await createAutoOcr({ local: engine(LATIN_WEAK), remote }).recognize(image)).toEqual({ lines: TEXTRACT_READ });
    expect(remote.calls).toEqual([image]);
    // Textract reading less than the local reader did: the local read stays.
    const local = lines('Tel: +1 415 555 0100', 'Fax: +1 415 555 0101', 'john.smith@acme.com');
    expect(await createAutoOcr({ local: engine(local), remote: engine(lines('Acme')) }).recognize(image)).toEqual({ lines: local });
  });

  it('nothing read at all (no script to judge): Textract is asked', async () => {
    const remote = engine(TEXTRACT_READ);
    expect(await createAutoOcr({ local: engine([]), remote }).recognize({ bytes: PNG })).toEqual({ lines: TEXTRACT_READ });
  });

  it('a WebP is never sent to Textract (it reads JPEG, PNG and PDF); a PDF goes straight to it', async () => {
    const remote = engine(TEXTRACT_READ);
    const local = engine(LATIN_WEAK);
    const auto = createAutoOcr({ local, remote });
    expect(await auto.recognize({ bytes: WEBP })).toEqual({ lines: LATIN_WEAK });
    expect(remote.calls).toEqual([]);
    expect(await auto.recognize({ bytes: PDF, s3: { bucket: 'b', key: 'k' } })).toEqual({ lines: TEXTRACT_READ });
    expect(local.calls).toHaveLength(1);
  });

  it('Textract failing: a usable local read stands, a bad document keeps the local read, anything else is retried', async () => {
    const usableWeak = lines('Tel: +1 415 555 0100');
    const throttled = named('ProvisionedThroughputExceededException');
    expect(await createAutoOcr({ local: engine(usableWeak), remote: engine(throttled) }).recognize({ bytes: PNG })).toEqual({ lines: usableWeak });
    expect(await createAutoOcr({ local: engine(LATIN_WEAK), remote: engine(named('BadDocumentException')) }).recognize({ bytes: PNG })).toEqual({
      lines: LATIN_WEAK,
    });
    await expect(createAutoOcr({ local: engine(LATIN_WEAK), remote: engine(throttled) }).recognize({ bytes: PNG })).rejects.toBe(throttled);
  });

  it('close() closes both engines', async () => {
    const local = engine([]);
    const remote = engine([]);
    await createAutoOcr({ local, remote }).close?.();
    expect([local.closed, remote.closed]).toEqual([1, 1]);
  });
});

describe('withOcrTimeout', () => {
  it('passes an answer in time through', async () => {
    expect(await withOcrTimeout(engine(LATIN_FULL), 1_000, 'x').recognize({ bytes: PNG })).toEqual({ lines: LATIN_FULL });
  });

  it('gives up after the limit with a retryable error and closes the engine (its worker thread)', async () => {
    const slow = { closed: 0, recognize: () => new Promise<OcrResult>(() => undefined), close: async () => void (slow.closed += 1) };
    const bounded = withOcrTimeout(slow, 20, 'tesseract.js');
    const error = await bounded.recognize({ bytes: PNG }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OcrTimeout);
    expect((error as Error).message).toBe('tesseract.js gave no answer within 20 ms');
    expect(slow.closed).toBe(1);
  });

  it('an engine error is passed on as it is, the engine left open', async () => {
    const failing = engine(new Error('worker died'));
    await expect(withOcrTimeout(failing, 1_000, 'x').recognize({ bytes: PNG })).rejects.toThrow('worker died');
    expect(failing.closed).toBe(0);
  });
});
