// The OCR port. Textract in AWS and tesseract.js locally implement it (lambdas/adapters/ocr-*.ts);
// the card worker picks one by configuration and never knows which.

/** Fractions (0..1) of the page, origin top-left, like Textract's BoundingBox. */
export interface OcrBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface OcrLine {
  text: string;
  /** 0..1 */
  confidence: number;
  box: OcrBox;
}

export interface OcrResult {
  lines: OcrLine[];
}

/**
 * The image to read. The worker has both the bytes (it downloaded them) and the S3 object it stored them in;
 * each engine uses what it prefers (Textract the S3 object, tesseract the bytes).
 */
export interface OcrImage {
  bytes?: Uint8Array;
  s3?: { bucket: string; key: string };
}

export interface OcrEngine {
  recognize(image: OcrImage): Promise<OcrResult>;
  /** Frees workers or clients; safe to call more than once. */
  close?(): Promise<void>;
}

/** Lines in reading order: top to bottom, then left to right for lines that share a row. */
export function sortLines(lines: OcrLine[]): OcrLine[] {
  return [...lines].sort((a, b) => {
    const rowTolerance = Math.min(a.box.height, b.box.height) / 2;
    if (Math.abs(a.box.top - b.box.top) > rowTolerance) return a.box.top - b.box.top;
    return a.box.left - b.box.left;
  });
}
