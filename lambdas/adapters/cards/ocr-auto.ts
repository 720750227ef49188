// OCR engine combinators for the card worker. `createAutoOcr` is OCR_ENGINE=auto: tesseract.js in the function
// first; Textract DetectDocumentText only when that read is weak and Textract can do better: not Cyrillic (AWS lists
// DetectDocumentText as Latin-script only), a JPEG or PNG (it reads no WebP); PDFs, which tesseract cannot open, go
// to Textract directly. Textract is paid per page, so a card QR or the local reader already read costs nothing.
// `withOcrTimeout` bounds an engine that runs in the function, so the worker's time budget holds.
import { sniffMediaType } from '../../domain/cards/card-pipeline.js';
import { assessRead } from '../../domain/cards/ocr-quality.js';
import type { OcrEngine, OcrResult } from '../../domain/cards/ocr.js';
import { isPermanentReadError } from './card-image-reader.js';

const TEXTRACT_IMAGES = new Set(['image/jpeg', 'image/png']);

export interface AutoOcrEngines {
  /** Reads in the function (tesseract.js). */
  local: OcrEngine;
  /** Asked second (Textract). */
  remote: OcrEngine;
}

export function createAutoOcr({ local, remote }: AutoOcrEngines): OcrEngine {
  return {
    async recognize(image): Promise<OcrResult> {
      const type = image.bytes && sniffMediaType(image.bytes);
      if (!image.bytes || type === 'application/pdf') return remote.recognize(image);
      const first = await local.recognize(image);
      const judged = assessRead(first.lines);
      if (!judged.weak || judged.script === 'cyrillic' || !TEXTRACT_IMAGES.has(type ?? '')) return first;
      let second: OcrResult;
      try {
        second = await remote.recognize(image);
      } catch (error) {
        // A usable local read stands when Textract is down; an unusable one is retried rather than called unreadable.
        if (judged.usable || isPermanentReadError(error)) return first;
        throw error;
      }
      // Ties go to Textract, the better reader of Latin print.
      return assessRead(second.lines).score >= judged.score ? second : first;
    },
    async close() {
      await Promise.all([local.close?.(), remote.close?.()]);
    },
  };
}

export class OcrTimeout extends Error {
  override readonly name = 'OcrTimeout';
}

/** Gives up on a read after `ms` (a retryable error) and closes the engine, which stops its worker thread. */
export function withOcrTimeout(engine: OcrEngine, ms: number, what: string): OcrEngine {
  return {
    async recognize(image): Promise<OcrResult> {
      const work = engine.recognize(image);
      // Rejects later when close() terminates the worker; nobody awaits it by then.
      work.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new OcrTimeout(`${what} gave no answer within ${ms} ms`)), ms);
      });
      try {
        return await Promise.race([work, timeout]);
      } catch (error) {
        if (error instanceof OcrTimeout) await engine.close?.();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await engine.close?.();
    },
  };
}
