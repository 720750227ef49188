// Card worker Lambda: the card queue's consumer (card-batch.ts) with the engines that run in AWS: zxing-wasm on
// the raw JPEG/PNG bytes (no sharp: its native binary cannot be built for Lambda's arm64 here, and zxing's own
// tryHarder/rotate/invert/downscale cover most of what sharp's variants add) and Textract DetectDocumentText on
// the stored S3 object (images and single-page PDFs). OCR_ENGINE=none reads QR codes only.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { TextractClient } from '@aws-sdk/client-textract';
import type { CardImageReader } from '../domain/cards/card-pipeline.js';
import { createCardImageReader } from '../adapters/cards/card-image-reader.js';
import { optionalEnv } from '../adapters/runtime/env.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { correlationKeys, logger } from '../adapters/runtime/logger.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { createTextractOcr } from '../adapters/cards/ocr-textract.js';
import { zxingBytesDecoder } from '../adapters/cards/qr-zxing-bytes.js';
import { cardWorkerDeps, createCardWorkerHandler } from './card-batch.js';

/** The Lambda's reader: raw-bytes zxing, then Textract on the S3 object unless OCR_ENGINE=none. */
export function awsCardReader(env: NodeJS.ProcessEnv = process.env): CardImageReader {
  const engine = optionalEnv('OCR_ENGINE', env) ?? 'textract';
  if (engine !== 'textract' && engine !== 'none') {
    throw new Error(`OCR_ENGINE must be "textract" or "none" in the Lambda (tesseract runs locally only), got "${engine}"`);
  }
  return createCardImageReader({
    qr: zxingBytesDecoder,
    ...(engine === 'textract' ? { ocr: createTextractOcr(new TextractClient({})) } : {}),
    qrTypes: ['image/jpeg', 'image/png'],
    ocrTypes: engine === 'textract' ? ['image/jpeg', 'image/png', 'application/pdf'] : [],
    unsupportedBecause: {
      'image/webp': 'WebP is read neither by zxing without sharp nor by Textract',
      'application/pdf': 'PDF cards need Textract (OCR_ENGINE=textract)',
    },
  });
}

// Built at module load: a missing variable fails the cold start with its name.
export const handler = lambdaEntry(
  middy(createCardWorkerHandler(cardWorkerDeps(awsCardReader())))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys())
    .use(metricsMiddleware()),
);
