// Card reading benchmark: parser precision/recall/F1 on the labelled set's typed text, QR decode rate on the
// shared corpus (pipeline vs raw zxing-wasm in the same run), QR time on a 12 MP photo, parser throughput.
// OCR of rendered cards and photos is in bench/card-photos.ts. `npx tsx bench/cards.ts` prints the table; bench/run.ts can import benchCards().
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { Card } from '../lambdas/domain/cards/card.js';
import { parseCardLines } from '../lambdas/domain/cards/card-parser.js';
import { decodeQr, decodeQrRaw } from '../lambdas/adapters/cards/qr-zxing.js';
import { writeQrPng } from '../scripts/qr-png.js';

import { printTable, type Row } from './table.js';
export type { Row };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CARDS_DIR = join(root, 'test/fixtures/cards');
export const QR_CORPUS = join(root, '../shared/corpus/qr');

export interface LabelledCard {
  id: string;
  lines: string[];
  expected: Omit<Card, 'confidence'>;
  png?: string;
  qr?: string;
}

export function loadLabelledSet(dir = CARDS_DIR): LabelledCard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.expected.json'))
    .sort()
    .map((f) => {
      const id = f.replace(/\.expected\.json$/, '');
      const txt = join(dir, `${id}.txt`);
      const png = join(dir, `${id}.png`);
      const qr = join(dir, `${id}.qr.txt`);
      return {
        id,
        lines: existsSync(txt) ? readFileSync(txt, 'utf8').split(/\r?\n/).filter((l) => l.trim()) : [],
        expected: JSON.parse(readFileSync(join(dir, f), 'utf8')) as LabelledCard['expected'],
        ...(existsSync(png) ? { png } : {}),
        ...(existsSync(qr) ? { qr: readFileSync(qr, 'utf8') } : {}),
      };
    });
}

export const FIELDS = ['name', 'phone', 'email', 'company', 'title', 'website'] as const;
export type Field = (typeof FIELDS)[number];

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

const text = (s: string) => s.toLowerCase().replace(/[«»"“”„]/g, '').replace(/\s+/g, ' ').trim();
const site = (s: string) => s.toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/$/, '');
const digits = (s: string) => s.replace(/\D/g, '');

function values(card: Omit<Card, 'confidence'>, field: Field): string[] {
  switch (field) {
    case 'name':
      return card.name ? [text(card.name)] : [];
    case 'company':
      return card.company ? [text(card.company)] : [];
    case 'title':
      return card.title ? [text(card.title)] : [];
    case 'phone':
      return card.phones.map((p) => digits(p.number));
    case 'email':
      return card.emails.map((e) => e.toLowerCase());
    case 'website':
      return card.websites.map(site);
  }
}

/** Micro-averaged over the set: a wrong value counts as a false positive and a false negative. */
export function scoreField(pairs: { expected: Omit<Card, 'confidence'>; actual: Omit<Card, 'confidence'> }[], field: Field): Score {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { expected, actual } of pairs) {
    const want = new Set(values(expected, field));
    const got = new Set(values(actual, field));
    for (const v of got) (want.has(v) ? tp++ : fp++);
    for (const v of want) if (!got.has(v)) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

/** The F1 targets the issue sets for typed text. */
export const F1_TARGETS: Partial<Record<Field, number>> = { name: 0.95, phone: 0.95, email: 0.95 };

function round(n: number, d = 3): number {
  return Math.round(n * 10 ** d) / 10 ** d;
}

export function parserRows(set = loadLabelledSet()): Row[] {
  const pairs = set.map((c) => ({ expected: c.expected, actual: parseCardLines(c.lines) }));
  const rows: Row[] = [];
  for (const field of FIELDS) {
    const s = scoreField(pairs, field);
    const target = F1_TARGETS[field];
    rows.push({ metric: `parser ${field} precision`, value: String(round(s.precision)) });
    rows.push({ metric: `parser ${field} recall`, value: String(round(s.recall)) });
    rows.push({
      metric: `parser ${field} F1 (typed text, ${set.length} cards)`,
      value: String(round(s.f1)),
      ...(target ? { target: `>= ${target}`, pass: s.f1 >= target } : {}),
    });
  }
  return rows;
}

/** Exact-match decode rate on the corpus (NAME.png + NAME.txt), the pipeline and raw zxing-wasm in one run. */
export async function qrCorpusRows(dir = QR_CORPUS): Promise<Row[]> {
  if (!existsSync(dir)) return [{ metric: 'QR corpus', value: `missing: ${dir}`, pass: false }];
  const names = readdirSync(dir).filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4)).sort();
  let pipeline = 0;
  let raw = 0;
  let pipelineMs = 0;
  let rawMs = 0;
  const steps = new Map<string, number>();
  for (const name of names) {
    const expected = readFileSync(join(dir, `${name}.txt`), 'utf8');
    const image = new Uint8Array(readFileSync(join(dir, `${name}.png`)));
    const trace: { step?: string } = {};
    let t = performance.now();
    const p = await decodeQr(image, trace);
    pipelineMs += performance.now() - t;
    if (p.codes.some((c) => c.text === expected)) {
      pipeline++;
      steps.set(trace.step!, (steps.get(trace.step!) ?? 0) + 1);
    }
    t = performance.now();
    const r = await decodeQrRaw(image);
    rawMs += performance.now() - t;
    if (r.codes.some((c) => c.text === expected)) raw++;
  }
  const rate = pipeline / names.length;
  return [
    {
      metric: `QR exact-match rate, pipeline vs raw zxing-wasm defaults (${names.length} images)`,
      value: `${round(rate)} (${pipeline})`,
      baseline: `${round(raw / names.length)} (${raw})`,
      target: '>= 0.96, >= raw',
      pass: rate >= 0.96 && pipeline >= raw,
    },
    ...[...steps.entries()].map(([step, n]) => ({ metric: `QR decoded at pipeline step "${step}"`, value: String(n) })),
    { metric: 'QR mean ms per corpus image', value: String(round(pipelineMs / names.length, 1)), baseline: String(round(rawMs / names.length, 1)) },
  ];
}

/** A 12-megapixel phone photo: a vCard QR on a card-sized patch in a noisy 4000x3000 JPEG. */
export async function twelveMegapixelPhoto(): Promise<{ image: Uint8Array; text: string }> {
  const text = readFileSync(join(CARDS_DIR, 'en-startup-qr.qr.txt'), 'utf8');
  const code = await sharp(await writeQrPng(text, 6)).resize(520).toBuffer();
  const card = await sharp({ create: { width: 1300, height: 760, channels: 3, background: '#f4f1ea' } })
    .composite([{ input: code, left: 740, top: 200 }])
    .png()
    .toBuffer();
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#6b5d4f', noise: { type: 'gaussian', mean: 110, sigma: 30 } } })
    .composite([{ input: await sharp(card).rotate(7, { background: '#6b5d4f' }).toBuffer(), left: 1300, top: 1100 }])
    .blur(1.2)
    .jpeg({ quality: 88 })
    .toBuffer();
  return { image: new Uint8Array(photo), text };
}

/** The same payload as a small (160 px) code in a 12 MP photo: too small once downscaled to 2.5 MP. */
export async function smallCodePhoto(): Promise<{ image: Uint8Array; text: string }> {
  const text = readFileSync(join(CARDS_DIR, 'en-startup-qr.qr.txt'), 'utf8');
  const code = await sharp(await writeQrPng(text, 6)).resize(160).toBuffer();
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#8a8a8a', noise: { type: 'gaussian', mean: 128, sigma: 20 } } })
    .composite([{ input: code, left: 2000, top: 1500 }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return { image: new Uint8Array(photo), text };
}

export async function qrPhotoRows(): Promise<Row[]> {
  const small = await smallCodePhoto();
  const trace: { step?: string } = {};
  const smallFound = (await decodeQr(small.image, trace)).codes.some((c) => c.text === small.text);
  const smallRaw = (await decodeQrRaw(small.image)).codes.some((c) => c.text === small.text);
  const { image, text } = await twelveMegapixelPhoto();
  await decodeQr(new Uint8Array(readFileSync(join(CARDS_DIR, 'en-startup-qr.png')))); // load the wasm first
  let t = performance.now();
  const found = (await decodeQr(image)).codes.some((c) => c.text === text);
  const pipelineMs = performance.now() - t;
  t = performance.now();
  const rawFound = (await decodeQrRaw(image)).codes.some((c) => c.text === text);
  const rawMs = performance.now() - t;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return [
    { metric: 'QR 12 MP photo decoded', value: yes(found), baseline: yes(rawFound), target: 'yes', pass: found },
    { metric: 'QR 12 MP photo ms', value: String(Math.round(pipelineMs)), baseline: String(Math.round(rawMs)) },
    { metric: 'QR small (160 px) code in 12 MP photo decoded', value: `${yes(smallFound)} (${trace.step ?? '-'})`, baseline: yes(smallRaw), target: 'yes', pass: smallFound },
  ];
}

export function parserSpeedRows(set = loadLabelledSet()): Row[] {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    for (const c of set) parseCardLines(c.lines);
    n += set.length;
  }
  return [{ metric: 'parser cards/second', value: String(Math.round(n / ((performance.now() - start) / 1000))) }];
}

export async function benchCards(): Promise<Row[]> {
  const set = loadLabelledSet();
  return [...parserRows(set), ...parserSpeedRows(set), ...(await qrCorpusRows()), ...(await qrPhotoRows())];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printTable('Business cards (issue 5)', await benchCards());
}
