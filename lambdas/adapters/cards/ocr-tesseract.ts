// Local OCR with tesseract.js. English traineddata comes from @tesseract.js-data/eng on disk (no network,
// nothing cached to the working directory). Russian data is not shipped offline, so Cyrillic cards are not
// read locally; Textract does not list Cyrillic among its languages either (see README).
// One worker per engine, created on first use and reused: starting one costs about a second.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { createWorker, PSM, type Worker } from 'tesseract.js';
import type { OcrEngine, OcrImage, OcrLine, OcrResult } from '../../domain/cards/ocr.js';
import { sortLines } from '../../domain/cards/ocr.js';
import { prepareForOcr } from './image-prep.js';

export interface TesseractOptions {
  /** Folder holding `<lang>.traineddata.gz` for every language used; defaults to the LSTM-only data in @tesseract.js-data/eng. */
  langPath?: string;
  /** Tesseract languages, `+`-joined (`kir+eng`); default `eng`. */
  languages?: string;
  /**
   * tesseract.js' worker-thread script (TESSERACT_WORKER_PATH): needed where a bundler moved tesseract.js away from
   * its package (the card worker's Lambda asset ships it as its own file); default: the installed package's.
   */
  workerPath?: string;
  /** Page segmentation: cards are sparse blocks of short lines, so automatic layout analysis by default. */
  psm?: PSM;
}

export function defaultLangPath(): string {
  const pkg = createRequire(import.meta.url).resolve('@tesseract.js-data/eng/package.json');
  // tesseract.js' default OEM is LSTM-only, which reads the smaller 4.0.0_best_int data.
  return join(dirname(pkg), '4.0.0_best_int');
}

export function createTesseractOcr(options: TesseractOptions = {}): OcrEngine {
  let worker: Promise<Worker> | undefined;
  const start = async () => {
    const workerPath = options.workerPath ?? process.env.TESSERACT_WORKER_PATH;
    const w = await createWorker(options.languages ?? 'eng', 1, {
      langPath: options.langPath ?? process.env.TESSERACT_LANG_PATH ?? defaultLangPath(),
      gzip: true,
      cacheMethod: 'none',
      ...(workerPath ? { workerPath } : {}),
    });
    await w.setParameters({ tessedit_pageseg_mode: options.psm ?? PSM.AUTO });
    return w;
  };
  return {
    async recognize(image: OcrImage): Promise<OcrResult> {
      if (!image.bytes) throw new Error('tesseract OCR needs the image bytes (an S3 reference alone is not enough)');
      const png = await prepareForOcr(image.bytes);
      const { width = 1, height = 1 } = await sharp(png).metadata();
      worker ??= start();
      const w = await worker;
      const { data } = await w.recognize(png, {}, { blocks: true, text: false });
      const lines: OcrLine[] = [];
      for (const block of data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const line of paragraph.lines) {
            const text = line.text.trim();
            if (!text) continue;
            const { x0, y0, x1, y1 } = line.bbox;
            lines.push({
              text,
              confidence: Math.max(0, Math.min(1, line.confidence / 100)),
              box: { left: x0 / width, top: y0 / height, width: (x1 - x0) / width, height: (y1 - y0) / height },
            });
          }
        }
      }
      return { lines: sortLines(lines) };
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await (await w).terminate();
    },
  };
}
