// OCR in AWS: Textract DetectDocumentText (synchronous; a card is one page) on the S3 object the worker stored,
// or on the bytes when there is no object. LINE blocks become OcrLines; WORD blocks are not needed.
import { DetectDocumentTextCommand, TextractClient, type DetectDocumentTextCommandOutput } from '@aws-sdk/client-textract';
import type { OcrEngine, OcrImage, OcrLine, OcrResult } from '../../domain/cards/ocr.js';
import { sortLines } from '../../domain/cards/ocr.js';

type DetectResponse = Pick<DetectDocumentTextCommandOutput, 'Blocks'>;

/** A DetectDocumentText response (as the SDK returns it or as saved JSON) -> lines in reading order. */
export function textractLines(response: DetectResponse): OcrLine[] {
  if (!response || !Array.isArray(response.Blocks)) throw new Error('not a Textract DetectDocumentText response: no Blocks');
  const lines: OcrLine[] = [];
  for (const block of response.Blocks) {
    if (block.BlockType !== 'LINE' || !block.Text) continue;
    const box = block.Geometry?.BoundingBox;
    lines.push({
      text: block.Text,
      confidence: (block.Confidence ?? 0) / 100,
      box: { left: box?.Left ?? 0, top: box?.Top ?? 0, width: box?.Width ?? 0, height: box?.Height ?? 0 },
    });
  }
  return sortLines(lines);
}

export function createTextractOcr(client: TextractClient = new TextractClient({})): OcrEngine {
  return {
    async recognize(image: OcrImage): Promise<OcrResult> {
      let document;
      if (image.s3) document = { S3Object: { Bucket: image.s3.bucket, Name: image.s3.key } };
      else if (image.bytes) document = { Bytes: image.bytes };
      else throw new Error('Textract OCR needs an S3 object or the image bytes');
      const response = await client.send(new DetectDocumentTextCommand({ Document: document }));
      return { lines: textractLines(response) };
    },
  };
}
