// Image preparation with sharp: EXIF rotation, downscaling of large photos, grayscale, and the variants
// the QR reader retries with. Each step is here because it raised a measured rate (bench/cards.ts).
import sharp, { type Metadata, type Sharp } from 'sharp';

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
