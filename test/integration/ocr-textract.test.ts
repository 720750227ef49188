import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetectDocumentTextCommand, TextractClient, type DetectDocumentTextCommandOutput } from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createTextractOcr, textractLines } from '../../lambdas/adapters/cards/ocr-textract.js';
import { readCardLines } from '../../lambdas/domain/cards/card-reader.js';

// No local Textract exists, so the client is mocked with saved DetectDocumentText responses
// (test/fixtures/textract/*.json, the exact AWS response shape) and the request sent is asserted.
const saved = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/textract', `${name}.detect-document-text.json`), 'utf8')) as DetectDocumentTextCommandOutput;

const textract = mockClient(TextractClient);
afterEach(() => textract.reset());

describe('Textract OCR adapter', () => {
  it('sends DetectDocumentText on the S3 object and maps LINE blocks', async () => {
    textract.on(DetectDocumentTextCommand).resolves(saved('en-acme-classic'));
    const ocr = createTextractOcr(new TextractClient({ region: 'eu-central-1' }));
    const { lines } = await ocr.recognize({ s3: { bucket: 'wa-media-123', key: 'media/wamid.HBgM/image.jpg' }, bytes: new Uint8Array([1, 2]) });

    const calls = textract.commandCalls(DetectDocumentTextCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ Document: { S3Object: { Bucket: 'wa-media-123', Name: 'media/wamid.HBgM/image.jpg' } } });

    expect(lines).toHaveLength(9);
    expect(lines[0]).toEqual({ text: 'ACME Corporation', confidence: 0.9987, box: { left: 0.0476, top: 0.0912, width: 0.2981, height: 0.0488 } });
    expect(lines.map((l) => l.text)).toContain('john.smith@acme.com');
  });

  it('sends the bytes when there is no S3 object', async () => {
    textract.on(DetectDocumentTextCommand).resolves(saved('en-acme-classic'));
    const bytes = new Uint8Array([0xff, 0xd8, 0xff]);
    await createTextractOcr(new TextractClient({ region: 'eu-central-1' })).recognize({ bytes });
    expect(textract.commandCalls(DetectDocumentTextCommand)[0]!.args[0].input).toEqual({ Document: { Bytes: bytes } });
  });

  it('refuses an image with neither bytes nor S3 object, sending nothing', async () => {
    await expect(createTextractOcr(new TextractClient({ region: 'eu-central-1' })).recognize({})).rejects.toThrow(/S3 object or the image bytes/);
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(0);
  });

  it('passes Textract errors through', async () => {
    textract.on(DetectDocumentTextCommand).rejects(Object.assign(new Error('Request has unsupported document format'), { name: 'UnsupportedDocumentException' }));
    await expect(createTextractOcr(new TextractClient({ region: 'eu-central-1' })).recognize({ s3: { bucket: 'b', key: 'k' } })).rejects.toThrow(
      /unsupported document format/,
    );
  });
});

describe('Textract responses to cards', () => {
  it('a photographed card: lines re-ordered top to bottom, low-confidence junk ignored', () => {
    const lines = textractLines(saved('en-northwind-photo'));
    expect(lines.map((l) => l.text).slice(0, 3)).toEqual(['ll1 :: ,.', 'Maria Gonzalez', 'Head of Procurement']);
    const card = readCardLines(lines, 'ocr');
    expect(card).toMatchObject({
      source: 'ocr',
      name: 'Maria Gonzalez',
      title: 'Head of Procurement',
      company: 'Northwind Traders Ltd.',
      phones: [
        { number: '+442079460958', type: 'work' },
        { number: '+447911123458', type: 'mobile' },
      ],
      emails: ['maria.gonzalez@northwind.co.uk'],
      websites: ['northwind.co.uk'],
    });
  });
  it('rejects JSON that is not a DetectDocumentText response', () => {
    expect(() => textractLines({} as DetectDocumentTextCommandOutput)).toThrow(/no Blocks/);
  });
});
