// Renders the labelled cards (test/fixtures/cards/NAME.txt, plus NAME.qr.txt for a QR payload) to NAME.png
// with DejaVu fonts, so OCR and QR have real images to read. The PNGs are committed: CI does not need the
// fonts, and @napi-rs/canvas is not a dependency (its platform packages do not all resolve from the
// registry, which breaks `npm ci`). Run: npm install --no-save @napi-rs/canvas && npx tsx scripts/render-cards.ts [NAME…]
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import { writeQrPng } from './qr-png.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CARDS = join(root, 'test/fixtures/cards');
const FONTS = '/usr/share/fonts/truetype/dejavu';

function registerFonts(): void {
  for (const f of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf', 'DejaVuSansCondensed.ttf']) {
    if (!existsSync(join(FONTS, f))) throw new Error(`font missing: ${join(FONTS, f)} (apt-get install fonts-dejavu-core)`);
    GlobalFonts.registerFromPath(join(FONTS, f));
  }
}

const W = 1050; // 3.5 x 2 inches at 300 dpi
const H = 600;

interface Style {
  family: string;
  align: 'left' | 'center' | 'right';
  band: boolean;
}
const STYLES: Style[] = [
  { family: 'DejaVu Sans', align: 'left', band: false },
  { family: 'DejaVu Serif', align: 'center', band: false },
  { family: 'DejaVu Sans', align: 'left', band: true },
  { family: 'DejaVu Sans Condensed', align: 'right', band: false },
];

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** Fits `lines` into the card: the first name-like line is bigger and bold, contact lines smaller. */
function drawText(ctx: SKRSContext2D, lines: string[], style: Style, area: { x: number; y: number; w: number; h: number }, emphasis: number): void {
  const big = 44;
  const normal = 30;
  const gap = 10;
  let size = normal;
  // Shrink until every line fits the area.
  for (;;) {
    const total = lines.length * (size + gap) + (big - size);
    const widest = Math.max(...lines.map((l, i) => {
      ctx.font = `${i === emphasis ? 'bold ' : ''}${i === emphasis ? size + 12 : size}px "${style.family}"`;
      return ctx.measureText(l).width;
    }));
    if ((total <= area.h && widest <= area.w) || size <= 14) break;
    size -= 1;
  }
  const total = lines.length * (size + gap) + 12;
  let y = area.y + Math.max(0, (area.h - total) / 2);
  lines.forEach((line, i) => {
    const emphasised = i === emphasis;
    const s = emphasised ? size + 12 : size;
    ctx.font = `${emphasised ? 'bold ' : ''}${s}px "${style.family}"`;
    if (i === 0 && style.band) {
      // The band holds the first line (white on blue), so it never lands as white on white paper.
      ctx.fillStyle = '#1f3b73';
      ctx.fillRect(0, 0, W, y + s * 1.3);
    }
    ctx.fillStyle = i === 0 && style.band ? '#ffffff' : '#111111';
    ctx.textAlign = style.align;
    const x = style.align === 'left' ? area.x : style.align === 'center' ? area.x + area.w / 2 : area.x + area.w;
    y += s;
    ctx.fillText(line, x, y);
    y += gap + (i === 0 && style.band ? Math.round(s * 0.4) : 0);
  });
}

export async function renderCard(id: string): Promise<Buffer> {
  const lines = readFileSync(join(CARDS, `${id}.txt`), 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const qrFile = join(CARDS, `${id}.qr.txt`);
  const style = STYLES[hash(id) % STYLES.length]!;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = '#cccccc';
  ctx.lineWidth = 2;
  ctx.strokeRect(1, 1, W - 2, H - 2);
  const area = { x: 50, y: 30, w: W - 100, h: H - 60 };
  if (existsSync(qrFile)) {
    const qr = await loadImage(await writeQrPng(readFileSync(qrFile, 'utf8'), 4));
    const size = Math.min(300, qr.width);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(qr, W - size - 30, H - size - 30, size, size);
    area.w = W - size - 120;
    if (style.align !== 'left') style.align = 'left';
  }
  // The person's name is what a designer enlarges.
  const { name } = JSON.parse(readFileSync(join(CARDS, `${id}.expected.json`), 'utf8')) as { name?: string };
  drawText(ctx, lines, style, area, name ? lines.findIndex((l) => l.includes(name)) : 0);
  return canvas.encode('png');
}

async function main(): Promise<void> {
  registerFonts();
  const only = process.argv.slice(2);
  const ids = readdirSync(CARDS)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => f.replace(/\.expected\.json$/, ''))
    .filter((id) => !only.length || only.includes(id));
  for (const id of ids) {
    const png = await renderCard(id);
    if (png.length > 150_000) throw new Error(`${id}.png is ${png.length} bytes; keep fixtures under 150 KB`);
    writeFileSync(join(CARDS, `${id}.png`), png);
    console.log(`${id}.png ${Math.round(png.length / 1024)} KB`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
