// The card worker in local mode: the Lambda's batch handler (lambdas/handlers/card-batch.ts) with the engines a
// laptop has. QR: the sharp pipeline of qr-zxing.ts (EXIF rotation, downscaling, variants). OCR by OCR_ENGINE:
// `tesseract` (default; English data from @tesseract.js-data/eng on disk), `textract` (real AWS credentials and
// a bucket Textract can read), or `none`. PDFs need Textract; locally with tesseract they are answered as unreadable.
import { TextractClient } from '@aws-sdk/client-textract';
import type { CardImageReader } from '../../lambdas/domain/card-pipeline.js';
import type { OcrEngine } from '../../lambdas/domain/ocr.js';
import { createCardImageReader } from '../../lambdas/adapters/card-image-reader.js';
import { createTesseractOcr } from '../../lambdas/adapters/ocr-tesseract.js';
import { createTextractOcr } from '../../lambdas/adapters/ocr-textract.js';
import { zxingQrDecoder } from '../../lambdas/adapters/qr-zxing.js';
import { cardWorkerDeps, createCardWorkerHandler } from '../../lambdas/handlers/card-batch.js';

export type LocalOcrEngine = 'tesseract' | 'textract' | 'none';

export function localOcrEngine(env: NodeJS.ProcessEnv = process.env): LocalOcrEngine {
  const name = env.OCR_ENGINE?.trim() || 'tesseract';
  if (name !== 'tesseract' && name !== 'textract' && name !== 'none') {
    throw new Error(`OCR_ENGINE must be tesseract, textract or none, got "${name}"`);
  }
  return name;
}

export function localCardReader(engine: LocalOcrEngine = localOcrEngine(), ocr?: OcrEngine): CardImageReader {
  const images = ['image/jpeg', 'image/png', 'image/webp'] as const;
  const chosen = ocr ?? (engine === 'tesseract' ? createTesseractOcr() : engine === 'textract' ? createTextractOcr(new TextractClient({})) : undefined);
  return createCardImageReader({
    qr: zxingQrDecoder,
    ...(chosen ? { ocr: chosen } : {}),
    qrTypes: images,
    ocrTypes: engine === 'textract' ? [...images.filter((t) => t !== 'image/webp'), 'application/pdf'] : engine === 'tesseract' ? images : [],
    unsupportedBecause: { 'application/pdf': 'PDF cards need Textract (OCR_ENGINE=textract); tesseract reads images only' },
  });
}

export const handler = createCardWorkerHandler(cardWorkerDeps(localCardReader()));
