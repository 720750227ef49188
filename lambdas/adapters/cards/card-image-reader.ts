// The card worker's CardImageReader over the two ports (QR decoder, OCR engine), for a given environment:
// which file types it reads, and which engine failures mean "this file will never read" (CardUnreadable, the
// customer is told at once) rather than "try again" (everything else, retried by the queue).
import type { ReadCard } from '../../domain/cards/card.js';
import { CardUnreadable, type CardImageReader, type CardMediaType } from '../../domain/cards/card-pipeline.js';
import { readCardImage } from '../../domain/cards/card-reader.js';
import type { OcrEngine } from '../../domain/cards/ocr.js';
import type { QrDecoder } from '../../domain/cards/qr-payload.js';

export interface CardReaderConfig {
  qr: QrDecoder;
  ocr?: OcrEngine;
  /** File types the QR decoder can open. */
  qrTypes: readonly CardMediaType[];
  /** File types the OCR engine can open; a type in neither list is unreadable here. */
  ocrTypes: readonly CardMediaType[];
  /** Why a type is not read in this environment (shown in logs and the stored failure), by type. */
  unsupportedBecause?: Partial<Record<CardMediaType, string>>;
}

/** Errors by name (no SDK import): the image itself is bad, not the service. */
const PERMANENT_ERRORS = new Set([
  'UnreadableImageError',
  'UnsupportedDocumentException',
  'BadDocumentException',
  'DocumentTooLargeException',
  'InvalidParameterException',
]);

export function isPermanentReadError(error: unknown): boolean {
  return error instanceof Error && PERMANENT_ERRORS.has(error.name);
}

export function createCardImageReader(config: CardReaderConfig): CardImageReader {
  const noQr: QrDecoder = { decode: async () => ({ codes: [] }) };
  return {
    async read(bytes, request): Promise<ReadCard> {
      const qrOk = config.qrTypes.includes(request.mimeType);
      const ocrOk = !!config.ocr && config.ocrTypes.includes(request.mimeType);
      if (!qrOk && !ocrOk) {
        throw new CardUnreadable(config.unsupportedBecause?.[request.mimeType] ?? `${request.mimeType} files are not read here`);
      }
      try {
        const { card } = await readCardImage(
          bytes,
          { qr: qrOk ? config.qr : noQr, ...(ocrOk && config.ocr ? { ocr: config.ocr } : {}) },
          { s3: request.stored, ...(request.senderPhone ? { senderPhone: request.senderPhone } : {}) },
        );
        return card;
      } catch (error) {
        if (isPermanentReadError(error)) throw new CardUnreadable(`${(error as Error).name}: ${(error as Error).message}`);
        throw error;
      }
    },
  };
}
