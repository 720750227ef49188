// Card worker Lambda: the card queue's consumer (card-batch.ts) with the engines that run in AWS. QR codes: zxing-wasm
// after sharp's preparation, as locally (the asset ships sharp's linux-arm64 build). OCR by OCR_ENGINE (context
// `ocrEngine`, lib/resources.ts cardPipeline): `auto` (tesseract.js, Textract only where it helps: ocr-auto.ts),
// `tesseract`, `textract` or `none`. tesseract.js reads the traineddata and runs the worker script the asset ships
// (TESSERACT_LANG_PATH, TESSERACT_WORKER_PATH); nothing is downloaded at run time.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { TextractClient } from '@aws-sdk/client-textract';
import { cardPipeline, type OcrEngineName } from '../../lib/resources.js';
import type { CardImageReader, CardMediaType } from '../domain/cards/card-pipeline.js';
import type { OcrEngine } from '../domain/cards/ocr.js';
import { createCardImageReader } from '../adapters/cards/card-image-reader.js';
import { createAutoOcr, withOcrTimeout } from '../adapters/cards/ocr-auto.js';
import { createTesseractOcr } from '../adapters/cards/ocr-tesseract.js';
import { createTextractOcr } from '../adapters/cards/ocr-textract.js';
import { zxingQrDecoder } from '../adapters/cards/qr-zxing.js';
import { CLIENT_LIMITS, sdkClientLimits } from '../adapters/runtime/client-limits.js';
import { optionalEnv } from '../adapters/runtime/env.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { correlationKeys, logger } from '../adapters/runtime/logger.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { cardWorkerDeps, createCardWorkerHandler } from './card-batch.js';

const IMAGES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** What each engine opens: tesseract reads images through sharp; Textract reads JPEG, PNG and PDF, not WebP. */
const OCR_TYPES: Record<OcrEngineName, readonly CardMediaType[]> = {
  auto: [...IMAGES, 'application/pdf'],
  tesseract: IMAGES,
  textract: ['image/jpeg', 'image/png', 'application/pdf'],
  none: [],
};

export function ocrEngineFromEnv(env: NodeJS.ProcessEnv = process.env): OcrEngineName {
  const name = optionalEnv('OCR_ENGINE', env)?.trim() ?? cardPipeline.ocrEngine;
  const known: readonly string[] = cardPipeline.ocrEngines;
  if (!known.includes(name)) throw new Error(`OCR_ENGINE must be one of ${known.join(', ')}, got "${name}"`);
  return name as OcrEngineName;
}

function ocrFor(engine: OcrEngineName, env: NodeJS.ProcessEnv): OcrEngine | undefined {
  const tesseract = () => {
    const [languages, langPath, workerPath] = ['TESSERACT_LANGUAGES', 'TESSERACT_LANG_PATH', 'TESSERACT_WORKER_PATH'].map((n) => optionalEnv(n, env));
    const options = { ...(languages ? { languages } : {}), ...(langPath ? { langPath } : {}), ...(workerPath ? { workerPath } : {}) };
    return withOcrTimeout(createTesseractOcr(options), CLIENT_LIMITS.tesseract.requestTimeoutMs, 'tesseract.js');
  };
  const textract = () => createTextractOcr(new TextractClient(sdkClientLimits(CLIENT_LIMITS.textract)));
  switch (engine) {
    case 'auto':
      return createAutoOcr({ local: tesseract(), remote: textract() });
    case 'tesseract':
      return tesseract();
    case 'textract':
      return textract();
    case 'none':
      return undefined;
  }
}

/** The Lambda's reader: QR first, then the OCR engine OCR_ENGINE names. */
export function awsCardReader(env: NodeJS.ProcessEnv = process.env): CardImageReader {
  const engine = ocrEngineFromEnv(env);
  const ocr = ocrFor(engine, env);
  return createCardImageReader({
    qr: zxingQrDecoder,
    ...(ocr ? { ocr } : {}),
    qrTypes: IMAGES,
    ocrTypes: OCR_TYPES[engine],
    unsupportedBecause: {
      'application/pdf': `PDF cards need Textract (OCR_ENGINE=auto or textract; this worker runs ${engine})`,
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
