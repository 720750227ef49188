// Image preparation with sharp: EXIF rotation, downscaling of large photos, grayscale, and the variants
// the QR reader retries with. Each step is here because it raised a measured rate (bench/cards.ts).
import sharp, { type Metadata, type Sharp } from 'sharp';
import { findCardQuad, labelBlobs, largestBlob, otsu } from './card-outline.js';
import { homography, rectangle, warp, type RawImage } from './perspective.js';

/** RGBA pixels, the shape zxing-wasm's reader takes (an ImageData without the DOM). */
export interface Pixmap {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export class UnreadableImageError extends Error {
  constructor(reason: string) {
    super(`not a readable image: ${reason}`);
    this.name = 'UnreadableImageError';
  }
}

/** Phone photos are 12 MP and more; QR finder patterns and card text survive at about 2.5 MP. */
export const MAX_PIXELS = 2_500_000;

export interface Decoded {
  /** Grayscale, EXIF-rotated, downscaled to at most MAX_PIXELS. */
  image: Sharp;
  width: number;
  height: number;
  /** Whether downscaling happened (then the full-size image is one more thing to try). */
  downscaled: boolean;
  originalWidth: number;
  originalHeight: number;
}

/** Decodes and normalises an image; throws UnreadableImageError for anything sharp cannot read. */
export async function decodeImage(bytes: Uint8Array, maxPixels = MAX_PIXELS): Promise<Decoded> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (e) {
    throw new UnreadableImageError((e as Error).message);
  }
  if (!meta.width || !meta.height) throw new UnreadableImageError('no dimensions');
  // EXIF orientations 5-8 swap width and height.
  const swap = (meta.orientation ?? 1) >= 5;
  const w = swap ? meta.height : meta.width;
  const h = swap ? meta.width : meta.height;
  const scale = Math.min(1, Math.sqrt(maxPixels / (w * h)));
  let image = sharp(bytes, { limitInputPixels: 200_000_000 }).rotate().grayscale();
  const width = Math.max(1, Math.round(w * scale));
  const height = Math.max(1, Math.round(h * scale));
  if (scale < 1) image = image.resize(width, height, { kernel: 'lanczos3' });
  return { image, width, height, downscaled: scale < 1, originalWidth: w, originalHeight: h };
}

/** Materialises a (grayscale) sharp pipeline as RGBA pixels. */
export async function toPixmap(image: Sharp): Promise<Pixmap> {
  const { data, info } = await image.clone().removeAlpha().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const rgba = new Uint8ClampedArray(info.width * info.height * 4);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    const v = data[i]!;
    rgba[j] = v;
    rgba[j + 1] = v;
    rgba[j + 2] = v;
    rgba[j + 3] = 255;
  }
  return { data: rgba, width: info.width, height: info.height };
}

export interface QrVariant {
  name: string;
  make(decoded: Decoded, bytes: Uint8Array): Sharp;
}

/**
 * What the QR reader retries with when the plain grayscale image yields nothing, in order. Each earned its
 * place on the corpus (bench/cards.ts reports which step decoded what): a median filter for print texture
 * (a code printed on a cracker), a high global threshold for art-style codes whose dark modules are photos,
 * and the full-size original for photos whose code became too small after downscaling. CLAHE and 2x
 * upscaling were tried and dropped: they decoded nothing the others missed.
 */
export const QR_VARIANTS: QrVariant[] = [
  { name: 'median', make: (d) => d.image.clone().median(3) },
  { name: 'threshold', make: (d) => d.image.clone().threshold(220) },
  {
    name: 'full-size',
    make: (d, bytes) => sharp(bytes, { limitInputPixels: 200_000_000 }).rotate().grayscale(),
  },
];

/** Which variants apply: re-reading at full size only makes sense when the image was downscaled. */
export function variantsFor(decoded: Decoded): QrVariant[] {
  return QR_VARIANTS.filter((v) => v.name !== 'full-size' || decoded.downscaled);
}

/**
 * For OCR: EXIF-rotated (tesseract ignores EXIF), grayscale, normalised contrast, narrow images upscaled to
 * 1400 px so small print is ~30 px high, large photos downscaled to 4 MP. Measured on the 21 Latin labelled
 * cards degraded like a phone shot (640 px, low contrast, blur, JPEG q60): e-mail F1 0.927 -> 0.955, other
 * fields equal; on clean renders it changes nothing but costs ~150 ms.
 */
export async function prepareForOcr(bytes: Uint8Array): Promise<Buffer> {
  const d = await decodeImage(bytes, 4_000_000);
  let image = d.image.normalise();
  if (d.width < 1400) {
    const f = 1400 / d.width;
    image = image.resize(Math.round(d.width * f), Math.round(d.height * f), { kernel: 'cubic' });
  }
  return image.png().toBuffer();
}

/** Which photo steps run before OCR; each can be switched off to measure what it adds (bench/cards.ts). */
export interface CardPhotoSteps {
  /** Find the card's outline and warp it flat (card-outline.ts, perspective.ts). */
  outline: boolean;
  /** Make light-on-dark cards dark-on-light. */
  invert: boolean;
  /** Divide out uneven light (the paper's brightness, estimated with the print removed). */
  light: boolean;
  /** Local (Sauvola) threshold instead of grey levels. */
  threshold: boolean;
}

export const DEFAULT_PHOTO_STEPS: CardPhotoSteps = { outline: true, invert: true, light: false, threshold: true };

/** Card text reads best at ~30 px cap height: a flattened card is resampled to this width (landscape). */
const CARD_WIDTH = 1500;
/** The outline is searched on a small copy: fast, and texture and text fade out. */
const OUTLINE_SIZE = 400;

export interface PreparedCard {
  /** Grayscale PNG to hand to OCR. */
  png: Buffer;
  width: number;
  height: number;
  /** The card's outline was found and the photo flattened to it. */
  flattened: boolean;
  /** Taller than wide after flattening: the card was photographed turned by 90 degrees one way or the other. */
  portrait: boolean;
  inverted: boolean;
}

function median(values: Uint8Array): number {
  const hist = new Array<number>(256).fill(0);
  for (const v of values) hist[v]!++;
  let seen = 0;
  for (let i = 0; i < 256; i++) {
    seen += hist[i]!;
    if (seen * 2 >= values.length) return i;
  }
  return 255;
}

/**
 * For OCR of a photographed card: EXIF rotation, the card found and warped flat (perspective and tilt
 * undone), resampled so text is ~30 px high, light-on-dark made dark-on-light, contrast normalised.
 * Without a card outline the whole photo is used, as prepareForOcr does.
 */
export async function prepareCardPhoto(bytes: Uint8Array, steps: CardPhotoSteps = DEFAULT_PHOTO_STEPS): Promise<PreparedCard> {
  const d = await decodeImage(bytes, 4_000_000);
  const gray = await d.image.clone().removeAlpha().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  let card: RawImage = { data: gray.data, width: gray.info.width, height: gray.info.height, channels: gray.info.channels };
  let flattened = false;
  if (steps.outline) {
    const small = await sharp(bytes, { limitInputPixels: 200_000_000 })
      .rotate()
      .resize(OUTLINE_SIZE, OUTLINE_SIZE, { fit: 'inside' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const quad = findCardQuad({ data: small.data, width: small.info.width, height: small.info.height, channels: small.info.channels });
    if (quad) {
      const f = card.width / small.info.width;
      const corners = quad.map((p) => ({ x: p.x * f, y: p.y * f }));
      const side = (i: number) => Math.hypot(corners[(i + 1) % 4]!.x - corners[i]!.x, corners[(i + 1) % 4]!.y - corners[i]!.y);
      const across = (side(0) + side(2)) / 2;
      const down = (side(1) + side(3)) / 2;
      const scale = CARD_WIDTH / Math.max(across, down);
      const width = Math.round(across * scale);
      const height = Math.round(down * scale);
      // Inset by 1.5%: the outline's last pixels are often table, which reads as a stray '|'.
      const m = Math.round(width * 0.015);
      const inner = rectangle(width + 2 * m, height + 2 * m).map((p) => ({ x: p.x - m, y: p.y - m }));
      card = warp(card, homography(inner, corners), width, height, [255]);
      flattened = true;
    }
  }
  const inverted = steps.invert && median(card.data) < 110;
  if (inverted) card = { ...card, data: card.data.map((v) => 255 - v) };
  if (steps.invert) card = await invertDarkPanels(card);
  if (steps.light) card = await evenLight(card);
  let image = sharp(card.data, { raw: { width: card.width, height: card.height, channels: card.channels as 1 } });
  image = image.normalise();
  if (!flattened && card.width < 1400) {
    const f = 1400 / card.width;
    image = image.resize(Math.round(card.width * f), Math.round(card.height * f), { kernel: 'cubic' });
  }
  if (steps.threshold) {
    const { data, info } = await image.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const binary = sauvola({ data, width: info.width, height: info.height, channels: 1 });
    image = sharp(binary.data, { raw: { width: binary.width, height: binary.height, channels: 1 } });
  }
  const png = await image.png().toBuffer({ resolveWithObject: true });
  return { png: png.data, width: png.info.width, height: png.info.height, flattened, portrait: png.info.height > png.info.width, inverted };
}

/**
 * Sauvola's local threshold (window ~1/50 of the width, k = 0.2): ink where a pixel is darker than its
 * neighbourhood's mean, lowered where the neighbourhood is flat, so uneven light and shadows drop out.
 */
export function sauvola(img: RawImage, k = 0.2): RawImage {
  const { data, width, height } = img;
  const r = Math.max(7, Math.round(width / 100));
  const w1 = width + 1;
  const sum = new Float64Array(w1 * (height + 1));
  const sq = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x]!;
      rs += v;
      rq += v * v;
      sum[(y + 1) * w1 + x + 1] = sum[y * w1 + x + 1]! + rs;
      sq[(y + 1) * w1 + x + 1] = sq[y * w1 + x + 1]! + rq;
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s = sum[y1 * w1 + x1]! - sum[y0 * w1 + x1]! - sum[y1 * w1 + x0]! + sum[y0 * w1 + x0]!;
      const q = sq[y1 * w1 + x1]! - sq[y0 * w1 + x1]! - sq[y1 * w1 + x0]! + sq[y0 * w1 + x0]!;
      const mean = s / n;
      const sd = Math.sqrt(Math.max(0, q / n - mean * mean));
      out[y * width + x] = data[y * width + x]! > mean * (1 + k * (sd / 128 - 1)) ? 255 : 0;
    }
  }
  return { data: out, width, height, channels: 1 };
}

/**
 * Evens out light across the card: the paper's brightness is estimated by a max filter (which removes thin
 * dark print) and a wide blur, and each pixel is divided by it. A shadow or a gradient then no longer turns
 * into a black region in tesseract's global (Otsu) binarisation, which hides the text in it.
 */
export async function evenLight(img: RawImage): Promise<RawImage> {
  const { width, height } = img;
  const raw = { raw: { width, height, channels: 1 as const } };
  const small = Math.max(1, Math.round(width / 8));
  const paper = await sharp(img.data, raw)
    .resize(small, Math.max(1, Math.round((height * small) / width)))
    .dilate(2)
    .blur(4)
    .resize(width, height, { kernel: 'cubic' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.round((img.data[i]! * 235) / Math.max(16, paper[i]!)));
  return { data: out, width, height, channels: 1 };
}

/** Square min (erode) or max (dilate) filter of radius r on a 0/1 mask, separably. */
function morph(mask: Uint8Array, width: number, height: number, r: number, op: 'min' | 'max'): Uint8Array {
  const pick = op === 'min' ? Math.min : Math.max;
  const tmp = new Uint8Array(mask.length);
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = mask[y * width + x]!;
      for (let d = -r; d <= r; d++) v = pick(v, mask[y * width + Math.max(0, Math.min(width - 1, x + d))]!);
      tmp[y * width + x] = v;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = tmp[y * width + x]!;
      for (let d = -r; d <= r; d++) v = pick(v, tmp[Math.max(0, Math.min(height - 1, y + d)) * width + x]!);
      out[y * width + x] = v;
    }
  }
  return out;
}

/**
 * Light print on a dark band or panel of an otherwise light card: pixels inside dark areas larger than a
 * letter stroke are inverted, so all text ends up dark on light. Found on a quarter-size copy: dark pixels
 * (Otsu), opened, blobs of 3% of the card or more (print is many small ones) and under 70% of the paper's
 * brightness (a shadow is not a panel), with the light areas they
 * enclose (the letters printed in a band).
 */
export async function invertDarkPanels(img: RawImage): Promise<RawImage> {
  const { width, height } = img;
  const sw = Math.max(1, Math.round(width / 4));
  const sh = Math.max(1, Math.round(height / 4));
  const small = await sharp(img.data, { raw: { width, height, channels: 1 } }).resize(sw, sh).extractChannel(0).raw().toBuffer();
  // Otsu splits paper from everything darker (print and panels alike); the opening then keeps the panels.
  const limit = otsu(small);
  let mask: Uint8Array = Uint8Array.from(small, (v) => (v < limit ? 1 : 0));
  mask = morph(morph(mask, sw, sh, 1, 'min'), sw, sh, 1, 'max');
  // Print is many small blobs; a panel is one large one.
  const { label, sizes } = labelBlobs(mask, sw, sh);
  // ... and much darker than the paper: bands measured 0.24-0.57 of the paper's level, shadows and light
  // gradients across a card 0.82 and more.
  const paperLevel = median(Uint8Array.from(small).filter((_, i) => !mask[i]));
  const panels = new Set<number>();
  const line = Math.max(3, Math.round(sh / 25));
  for (let l = 1; l < sizes.length; l++) {
    if (sizes[l]! < 0.03 * sw * sh) continue;
    const level = median(Uint8Array.from(small).filter((_, i) => label[i] === l));
    if (level < paperLevel * 0.7 || (level < paperLevel * 0.85 && lightPrintIn(l))) panels.add(l);
  }
  // A lighter panel (a grey one measured 0.76-0.79 of the paper) is told from a shadow by what is printed in it:
  // light letters, pixels in the area it encloses well above its own level; in a shadow the print is darker.
  function lightPrintIn(l: number): boolean {
    const blob = Uint8Array.from(label, (v) => (v === l ? 1 : 0));
    const closed = morph(morph(blob, sw, sh, line, 'max'), sw, sh, line, 'min');
    const level = median(Uint8Array.from(small).filter((_, i) => blob[i]));
    const bright = level + 0.5 * (paperLevel - level);
    let enclosed = 0;
    let light = 0;
    for (let i = 0; i < closed.length; i++) {
      if (!closed[i] || blob[i]) continue;
      enclosed++;
      if (small[i]! > bright) light++;
    }
    return light >= 0.02 * sizes[l]! && light >= 0.3 * enclosed;
  }
  mask = Uint8Array.from(label, (l) => (panels.has(l) ? 1 : 0));
  // Closed over a line's height: a row of light letters at a band's edge is a bay in it, not outside it.
  mask = morph(morph(mask, sw, sh, line, 'max'), sw, sh, line, 'min');
  // Light letters inside a panel are holes in it: whatever light area is not the paper itself joins the mask.
  // (Found on the panel grown by two pixels, which seals letters that touch its edge.)
  const { blob: paper } = largestBlob(Uint8Array.from(morph(mask, sw, sh, 2, 'max'), (v) => 1 - v), sw, sh);
  const holes = morph(Uint8Array.from(paper, (v) => 1 - v), sw, sh, 2, 'min');
  mask = Uint8Array.from(mask, (v, i) => v | holes[i]!);
  if (!mask.some((v) => v)) return img;
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < height; y++) {
    const my = Math.min(sh - 1, Math.floor((y * sh) / height));
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      out[i] = mask[my * sw + Math.min(sw - 1, Math.floor((x * sw) / width))] ? 255 - img.data[i]! : img.data[i]!;
    }
  }
  return { data: out, width, height, channels: 1 };
}
