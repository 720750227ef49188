// The card worker in local mode: the Lambda's batch handler (lambdas/handlers/card-batch.ts) with the engines a
// laptop has. QR: the sharp pipeline of qr-zxing.ts (EXIF rotation, downscaling, variants; it decodes more real
// photos than zxing alone). OCR by OCR_ENGINE: `tesseract` (default; Kyrgyz + English data from
// @tesseract.js-data/kir and /eng on disk, so Russian and Kyrgyz cards read too) or `none` (QR codes only). Textract is the engine in AWS; locally it is refused, since the runner pins
// fake AWS credentials (nothing may reach a real account) and Textract cannot read fauxqs' S3 anyway.
// PDFs need Textract: locally they are answered as unreadable, with the reason recorded on the message.
import type { CardImageReader } from '../../lambdas/domain/cards/card-pipeline.js';
import type { OcrEngine } from '../../lambdas/domain/cards/ocr.js';
import { createCardImageReader } from '../../lambdas/adapters/cards/card-image-reader.js';
import { createTesseractOcr } from '../../lambdas/adapters/cards/ocr-tesseract.js';
import { zxingQrDecoder } from '../../lambdas/adapters/cards/qr-zxing.js';
import { cardWorkerDeps, createCardWorkerHandler } from '../../lambdas/handlers/card-batch.js';
import { sandboxOrigins } from './sandbox-origins.js';

export type LocalOcrEngine = 'tesseract' | 'none';

export function localOcrEngine(env: NodeJS.ProcessEnv = process.env): LocalOcrEngine {
  const name = env.OCR_ENGINE?.trim() || 'tesseract';
  if (name === 'textract') {
    throw new Error('OCR_ENGINE=textract runs in AWS only (local mode uses fake AWS credentials and fauxqs S3): use tesseract or none');
  }
  if (name !== 'tesseract' && name !== 'none') throw new Error(`OCR_ENGINE must be tesseract or none locally, got "${name}"`);
  return name;
}

export function localCardReader(engine: LocalOcrEngine = localOcrEngine(), ocr?: OcrEngine): CardImageReader {
  const images = ['image/jpeg', 'image/png', 'image/webp'] as const;
  const chosen = ocr ?? (engine === 'tesseract' ? createTesseractOcr() : undefined);
  return createCardImageReader({
    qr: zxingQrDecoder,
    ...(chosen ? { ocr: chosen } : {}),
    qrTypes: images,
    ocrTypes: chosen ? images : [],
    unsupportedBecause: { 'application/pdf': 'PDF cards need Textract (the engine in AWS); locally only images are read' },
  });
}

// Media links are fetched from public https addresses only; the sandboxes this process started are the exception.
export const handler = createCardWorkerHandler(cardWorkerDeps(localCardReader(), process.env, { mediaAllowOrigins: sandboxOrigins() }));
