// OCR with tesseract.js, for card photos in Latin and Cyrillic script. Traineddata is read from disk, never
// downloaded: `TESSERACT_LANG_PATH` (a folder holding <lang>.traineddata.gz for every language used), else the
// @tesseract.js-data/<lang> packages. Russian data is not on the registry; Kyrgyz (`kir`: the Russian alphabet
// plus ң ө ү) reads Russian cards, and with `eng` beside it the Latin e-mails and sites on them.
// The photo is prepared first (image-prep.ts: card outline, perspective, inversion); a card turned by 90 or 180
// degrees is read again the other way up when the first reading is poor. One worker per engine, created on
// first use and reused: starting one costs about a second.
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { createWorker, PSM, type Worker } from 'tesseract.js';
import type { OcrEngine, OcrImage, OcrLine, OcrResult } from '../../domain/cards/ocr.js';
import { sortLines } from '../../domain/cards/ocr.js';
import { DEFAULT_PHOTO_STEPS, prepareCardPhoto, prepareForOcr, type CardPhotoSteps } from './image-prep.js';

/** Kyrgyz first: on the Cyrillic cards it reads Russian words whole, and eng still takes the Latin lines. */
export const DEFAULT_LANGUAGES = ['kir', 'eng'] as const;

export interface TesseractOptions {
  /** Folder holding `<lang>.traineddata.gz` for every language; defaults to TESSERACT_LANG_PATH, then the packages. */
  langPath?: string;
  /** Tesseract languages, read together: `kir+eng` or ['kir', 'eng']; default kir+eng. */
  languages?: string | readonly string[];
  /**
   * tesseract.js' worker-thread script (TESSERACT_WORKER_PATH): needed where a bundler moved tesseract.js away from
   * its package (the card worker's Lambda asset ships it as its own file); default: the installed package's.
   */
  workerPath?: string;
  /** Page segmentation: cards are sparse blocks of short lines, so automatic layout analysis by default. */
  psm?: PSM;
  /**
   * Photo preparation: `photo` (the default) finds and flattens the card; `plain` is the earlier
   * whole-image preparation, kept as the benchmark's baseline. Steps can be switched off one by one.
   */
  prep?: 'photo' | 'plain';
  steps?: Partial<CardPhotoSteps>;
  /** Read a card again turned by 180 (or the other 90) degrees when the first reading's confidence is below this. */
  retryBelowConfidence?: number;
}

/** The LSTM-only (4.0.0_best_int) data of an installed @tesseract.js-data/<lang> package. */
export function packagedLangFile(lang: string): string {
  const pkg = createRequire(import.meta.url).resolve(`@tesseract.js-data/${lang}/package.json`);
  return join(dirname(pkg), '4.0.0_best_int', `${lang}.traineddata.gz`);
}

/**
 * tesseract.js reads every language from one folder; the packages each have their own. A folder of links to
 * them (named for what it links, so two checkouts never share one) serves as that folder.
 */
export function defaultLangPath(languages: readonly string[] = DEFAULT_LANGUAGES): string {
  const files = languages.map((l) => [l, packagedLangFile(l)] as const);
  const folders = new Set(files.map(([, f]) => dirname(f)));
  if (folders.size === 1) return [...folders][0]!;
  const key = createHash('sha256').update(files.map(([, f]) => f).join('\n')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `tesseract-lang-${key}`);
  mkdirSync(dir, { recursive: true });
  for (const [lang, file] of files) {
    const link = join(dir, `${lang}.traineddata.gz`);
    if (existsSync(link)) continue;
    try {
      symlinkSync(file, link);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return dir;
}

interface Reading {
  lines: OcrLine[];
  /** Tesseract's mean word confidence, 0..100. */
  confidence: number;
}

export function createTesseractOcr(options: TesseractOptions = {}): OcrEngine {
  const languages = typeof options.languages === 'string' ? options.languages.split('+') : (options.languages ?? DEFAULT_LANGUAGES);
  const steps: CardPhotoSteps = { ...DEFAULT_PHOTO_STEPS, ...options.steps };
  const retryBelow = options.retryBelowConfidence ?? 70;
  let worker: Promise<Worker> | undefined;
  const start = async () => {
    const workerPath = options.workerPath ?? process.env.TESSERACT_WORKER_PATH;
    const w = await createWorker([...languages], 1, {
      langPath: options.langPath ?? process.env.TESSERACT_LANG_PATH ?? defaultLangPath(languages),
      gzip: true,
      cacheMethod: 'none',
      ...(workerPath ? { workerPath } : {}),
    });
    // Prepared images carry no resolution; without one tesseract guesses it and says so on stderr.
    await w.setParameters({ tessedit_pageseg_mode: options.psm ?? PSM.AUTO, user_defined_dpi: '300' });
    return w;
  };
  const read = async (png: Buffer, width: number, height: number): Promise<Reading> => {
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
    return { lines: sortLines(lines), confidence: data.confidence };
  };
  const turned = async (png: Buffer, degrees: number) => {
    const out = await sharp(png).rotate(degrees).png().toBuffer({ resolveWithObject: true });
    return read(out.data, out.info.width, out.info.height);
  };
  return {
    async recognize(image: OcrImage): Promise<OcrResult> {
      if (!image.bytes) throw new Error('tesseract OCR needs the image bytes (an S3 reference alone is not enough)');
      if (options.prep === 'plain') {
        const png = await prepareForOcr(image.bytes);
        const { width = 1, height = 1 } = await sharp(png).metadata();
        return { lines: (await read(png, width, height)).lines };
      }
      const card = await prepareCardPhoto(image.bytes, steps);
      // A flattened card taller than wide lies on its side: read it turned upright, one way, then the other.
      let best = card.portrait && card.flattened ? await turned(card.png, 90) : await read(card.png, card.width, card.height);
      if (best.confidence < retryBelow) {
        const other = await turned(card.png, card.portrait && card.flattened ? 270 : 180);
        if (other.confidence > best.confidence) best = other;
      }
      return { lines: best.lines };
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await (await w).terminate();
    },
  };
}
