// Turns the labelled card renders (test/fixtures/cards/NAME.png) into phone-like photos in
// test/fixtures/card-photos: the card on a table (wood, cloth, desk, paper), shot at an angle and turned
// (a few by 90 or 180 degrees), a soft shadow, uneven light, slight blur, sensor noise, then 1600 px on the
// long side and JPEG around q70, as WhatsApp delivers a photo. A few cards are printed light-on-dark.
// Deterministic: the same seed gives the same photos, byte for byte (sharp is pinned), so the committed files
// can be regenerated and reviewed. Each photo gets NAME.expected.json (the card's labels) and a line in
// manifest.json saying how it was made. Real photos (real-*.jpg) are not touched.
// Run: npx tsx scripts/card-photos.ts [NAME…]
import { existsSync, readFileSync, readdirSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { homography, rectangle, warp, type Point } from '../lambdas/adapters/cards/perspective.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CARDS = join(root, 'test/fixtures/cards');
export const PHOTOS = join(root, 'test/fixtures/card-photos');
const SEED = 20261206;

/** mulberry32: small, fast, good enough for picking scene parameters reproducibly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(s: string): number {
  let h = SEED;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h;
}

type Background = 'wood' | 'cloth' | 'desk' | 'paper' | 'dark';

export interface PhotoRecipe {
  id: string;
  /** The card it shows (test/fixtures/cards/<card>.png). */
  card: string;
  script: 'latin' | 'cyrillic';
  orientation: 'landscape' | 'portrait';
  /** Card turn in degrees: a small hand tilt, plus 90/180/270 for some. */
  rotation: number;
  background: Background;
  /** Light text on a dark card (the render inverted and tinted). */
  inverted: boolean;
  /** Fraction of the photo's short side the card's long side spans. */
  scale: number;
  blur: number;
  noise: number;
  quality: number;
}

const BACKGROUNDS: Background[] = ['wood', 'cloth', 'desk', 'paper', 'dark'];

function recipe(card: string, script: PhotoRecipe['script']): PhotoRecipe {
  const r = rng(hash(card));
  const turn = r();
  const quarter = turn < 0.1 ? 90 : turn < 0.18 ? 180 : turn < 0.23 ? 270 : 0;
  return {
    id: card,
    card,
    script,
    orientation: r() < 0.3 ? 'portrait' : 'landscape',
    rotation: Math.round((quarter + (r() * 2 - 1) * 12) * 10) / 10,
    background: BACKGROUNDS[Math.floor(r() * BACKGROUNDS.length)]!,
    inverted: r() < 0.12,
    scale: Math.round((0.72 + r() * 0.22) * 100) / 100,
    blur: Math.round((0.5 + r() * 0.8) * 100) / 100,
    noise: Math.round(3 + r() * 5),
    quality: Math.round(65 + r() * 10),
  };
}

/** A table top: a base colour with grain, weave or mottling, from the recipe's own random stream. */
function background(kind: Background, width: number, height: number, r: () => number): Float32Array {
  const px = new Float32Array(width * height * 3);
  const base: Record<Background, [number, number, number]> = {
    wood: [150, 105, 65],
    cloth: [60, 90, 120],
    desk: [200, 200, 195],
    paper: [225, 215, 190],
    dark: [55, 55, 60],
  };
  const [br, bg, bb] = base[kind];
  const tint = 0.85 + r() * 0.3;
  const f1 = 0.02 + r() * 0.05;
  const f2 = 0.1 + r() * 0.2;
  const phase = r() * 100;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 1;
      if (kind === 'wood') v = 1 + 0.12 * Math.sin((y + 18 * Math.sin(x * 0.004 + phase)) * f1) + 0.05 * Math.sin(y * f2 + x * 0.01);
      else if (kind === 'cloth') v = 1 + 0.06 * Math.sin(x * f2 * 4) * Math.sin(y * f2 * 4);
      else v = 1 + 0.04 * Math.sin(x * 0.01 + phase) * Math.cos(y * 0.013);
      const i = (y * width + x) * 3;
      px[i] = br * v * tint;
      px[i + 1] = bg * v * tint;
      px[i + 2] = bb * v;
    }
  }
  return px;
}

/** Where the card's corners land in the scene: turned, scaled, placed, and pulled into perspective. */
function cardQuad(rec: PhotoRecipe, cw: number, ch: number, sw: number, sh: number, r: () => number): Point[] {
  const long = rec.scale * Math.min(sw, sh) * (rec.orientation === 'landscape' ? 1.25 : 1);
  const s = long / Math.max(cw, ch);
  const a = (rec.rotation * Math.PI) / 180;
  // Keystone: the far edge of a card shot at an angle is shorter; which edge is far is random.
  const tilt = 0.06 + r() * 0.14;
  const far = Math.floor(r() * 4);
  const local = rectangle(cw, ch).map((p, i) => {
    let x = (p.x - cw / 2) * s;
    let y = (p.y - ch / 2) * s;
    const onFar = far === 0 ? i < 2 : far === 1 ? i === 1 || i === 2 : far === 2 ? i >= 2 : i === 0 || i === 3;
    if (onFar) {
      x *= 1 - tilt * (far % 2 === 0 ? 1 : 0.4);
      y *= 1 - tilt * (far % 2 === 1 ? 1 : 0.4);
    }
    x += (r() * 2 - 1) * 0.02 * long;
    y += (r() * 2 - 1) * 0.02 * long;
    return { x: x * Math.cos(a) - y * Math.sin(a), y: x * Math.sin(a) + y * Math.cos(a) };
  });
  const xs = local.map((p) => p.x);
  const ys = local.map((p) => p.y);
  const spanX = Math.max(...xs) - Math.min(...xs);
  const spanY = Math.max(...ys) - Math.min(...ys);
  // Shrink if the turned card would leave the frame, then place it with what room is left.
  const fit = Math.min(1, (0.94 * sw) / spanX, (0.94 * sh) / spanY);
  const cx = sw / 2 + (r() * 2 - 1) * Math.max(0, (sw - spanX * fit) / 2 - 0.03 * sw);
  const cy = sh / 2 + (r() * 2 - 1) * Math.max(0, (sh - spanY * fit) / 2 - 0.03 * sh);
  return local.map((p) => ({ x: cx + p.x * fit, y: cy + p.y * fit }));
}

export interface Photo {
  jpeg: Buffer;
  /** Where the card's corners are in the photo (top-left of the card as printed first, clockwise). */
  corners: Point[];
}

export async function makePhoto(rec: PhotoRecipe): Promise<Photo> {
  const r = rng(hash(`${rec.id}/scene`));
  // The scene is drawn at 1.25x and then downscaled to 1600 px, as a phone's 12 MP frame is for WhatsApp.
  const [W, H] = rec.orientation === 'landscape' ? [2000, 1500] : [1500, 2000];
  let render = sharp(join(CARDS, `${rec.card}.png`)).removeAlpha();
  if (rec.inverted) {
    // Light-on-dark print: invert, then tint the (now dark) paper navy or charcoal.
    const [tr, tg, tb] = r() < 0.5 ? [0.55, 0.65, 1.0] : [0.8, 0.8, 0.8];
    render = sharp(await render.negate({ alpha: false }).linear([tr, tg, tb], [18, 22, 30]).png().toBuffer());
  }
  const card = await render.ensureAlpha(1).raw().toBuffer({ resolveWithObject: true });
  const cw = card.info.width;
  const ch = card.info.height;
  const quad = cardQuad(rec, cw, ch, W, H, r);
  const toCard = homography(quad, rectangle(cw, ch));
  const warped = warp({ data: card.data, width: cw, height: ch, channels: 4 }, toCard, W, H, [0, 0, 0, 0]);
  const scene = background(rec.background, W, H, r);
  // Soft shadow: the card's alpha, blurred and offset, darkens the table.
  const alpha = Buffer.alloc(W * H);
  for (let i = 0; i < W * H; i++) alpha[i] = warped.data[i * 4 + 3]!;
  const dx = Math.round(8 + r() * 14);
  const dy = Math.round(8 + r() * 14);
  const shadow = await sharp(alpha, { raw: { width: W, height: H, channels: 1 } })
    .blur(14)
    .raw()
    .toBuffer();
  // Uneven light: a linear gradient across the frame times a soft spot, plus a slightly warm or cool cast.
  const gx = (r() * 2 - 1) * 0.35;
  const gy = (r() * 2 - 1) * 0.35;
  const spotX = r() * W;
  const spotY = r() * H;
  const warm = (r() * 2 - 1) * 0.06;
  const out = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const d = Math.hypot(x - spotX, y - spotY) / Math.hypot(W, H);
      const light = (0.82 + gx * (x / W - 0.5) + gy * (y / H - 0.5)) * (1.12 - 0.35 * d);
      const a = warped.data[i * 4 + 3]! / 255;
      const sx = x - dx;
      const sy = y - dy;
      const shade = sx >= 0 && sy >= 0 ? 1 - (0.45 * shadow[sy * W + sx]!) / 255 : 1;
      for (let c = 0; c < 3; c++) {
        const value = warped.data[i * 4 + c]! * a + scene[i * 3 + c]! * shade * (1 - a);
        const cast = c === 0 ? 1 + warm : c === 2 ? 1 - warm : 1;
        out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(value * light * cast)));
      }
    }
  }
  const [fw, fh] = rec.orientation === 'landscape' ? [1600, 1200] : [1200, 1600];
  const blurred = await sharp(out, { raw: { width: W, height: H, channels: 3 } })
    .blur(rec.blur)
    .resize(fw, fh, { kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  // Sensor noise after the downscale (it is per photo pixel), gaussian by Box-Muller.
  for (let i = 0; i < blurred.length; i++) {
    const n = Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r());
    blurred[i] = Math.max(0, Math.min(255, Math.round(blurred[i]! + n * rec.noise)));
  }
  const jpeg = await sharp(blurred, { raw: { width: fw, height: fh, channels: 3 } }).jpeg({ quality: rec.quality }).toBuffer();
  const f = fw / W;
  return { jpeg, corners: quad.map((p) => ({ x: Math.round(p.x * f * 10) / 10, y: Math.round(p.y * f * 10) / 10 })) };
}

export function cardIds(): string[] {
  return readdirSync(CARDS)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => f.replace(/\.expected\.json$/, ''))
    .filter((id) => existsSync(join(CARDS, `${id}.png`)))
    .sort();
}

function scriptOf(id: string): PhotoRecipe['script'] {
  return /[А-Яа-яЁёӨөҮүҢң]/.test(readFileSync(join(CARDS, `${id}.txt`), 'utf8')) ? 'cyrillic' : 'latin';
}

async function main(): Promise<void> {
  mkdirSync(PHOTOS, { recursive: true });
  const only = process.argv.slice(2);
  const manifestFile = join(PHOTOS, 'manifest.json');
  const manifest: Record<string, unknown> = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : {};
  for (const id of cardIds().filter((c) => !only.length || only.includes(c))) {
    const rec = recipe(id, scriptOf(id));
    const { jpeg, corners } = await makePhoto(rec);
    writeFileSync(join(PHOTOS, `${id}.jpg`), jpeg);
    copyFileSync(join(CARDS, `${id}.expected.json`), join(PHOTOS, `${id}.expected.json`));
    const { id: _id, ...made } = rec;
    manifest[id] = { ...made, corners };
    console.log(`${id}.jpg ${Math.round(jpeg.length / 1024)} KB ${rec.background} ${rec.rotation}°${rec.inverted ? ' inverted' : ''}`);
  }
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(manifestFile, `${JSON.stringify(sorted, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
