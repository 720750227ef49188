// Perspective (projective) warps on raw pixel buffers: the homography that maps one quadrilateral onto another,
// and resampling through it. The card reader uses it to flatten a card shot at an angle; the photo-set
// generator (scripts/card-photos.ts) uses it the other way, to tilt a flat render as a phone would see it.
// Plain arithmetic on sharp's raw output: opencv-js would do the same at a cost of ~10 MB of wasm to load.

export interface Point {
  x: number;
  y: number;
}

/** A 3x3 matrix, row-major, with h[8] = 1. */
export type Homography = readonly number[];

/** Raw interleaved pixels as sharp's `.raw()` gives them. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is n x n, row-major); null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const row = m[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const other = m[r]!;
      const f = other[col]! / row[col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) other[c]! -= f * row[c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

function hasCollinearTriple(p: readonly Point[]): boolean {
  const size = Math.max(...p.map((a) => Math.max(...p.map((b) => Math.hypot(a.x - b.x, a.y - b.y)))));
  for (let i = 0; i < 4; i++) {
    const [a, b, c] = [p[i]!, p[(i + 1) % 4]!, p[(i + 2) % 4]!];
    if (Math.abs((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) <= 1e-9 * size * size) return true;
  }
  return false;
}

/** The homography H with H * from[i] ~ to[i] for four point pairs; throws when three points are collinear. */
export function homography(from: readonly Point[], to: readonly Point[]): Homography {
  if (from.length !== 4 || to.length !== 4) throw new Error('a homography needs exactly four point pairs');
  if (hasCollinearTriple(from) || hasCollinearTriple(to)) throw new Error('degenerate quadrilateral: three corners on one line');
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = from[i]!;
    const { x: u, y: v } = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const h = solve(a, b);
  if (!h) throw new Error('degenerate quadrilateral: no homography');
  return [...h, 1];
}

export function applyHomography(h: Homography, p: Point): Point {
  const w = h[6]! * p.x + h[7]! * p.y + h[8]!;
  return { x: (h[0]! * p.x + h[1]! * p.y + h[2]!) / w, y: (h[3]! * p.x + h[4]! * p.y + h[5]!) / w };
}

/**
 * Resamples `src` into a `width` x `height` image: output pixel (x, y) takes the bilinear sample of `src` at
 * H(x, y), where `h` maps output coordinates to source coordinates. Outside the source: `fill` per channel.
 */
export function warp(src: RawImage, h: Homography, width: number, height: number, fill: readonly number[] = [255, 255, 255, 255]): RawImage {
  const { data, width: sw, height: sh, channels: ch } = src;
  const out = new Uint8Array(width * height * ch);
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = h as [number, number, number, number, number, number, number, number, number];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Pixel centres: sample at (x + 0.5, y + 0.5), index by the centre of the source pixel grid.
      const px = x + 0.5;
      const py = y + 0.5;
      const w = h6 * px + h7 * py + h8;
      const sx = (h0 * px + h1 * py + h2) / w - 0.5;
      const sy = (h3 * px + h4 * py + h5) / w - 0.5;
      const o = (y * width + x) * ch;
      if (!(sx >= -0.5 && sy >= -0.5 && sx <= sw - 0.5 && sy <= sh - 0.5)) {
        for (let c = 0; c < ch; c++) out[o + c] = fill[c] ?? 255;
        continue;
      }
      const x0 = Math.max(0, Math.min(sw - 1, Math.floor(sx)));
      const y0 = Math.max(0, Math.min(sh - 1, Math.floor(sy)));
      const x1 = Math.min(sw - 1, x0 + 1);
      const y1 = Math.min(sh - 1, y0 + 1);
      const fx = Math.max(0, Math.min(1, sx - x0));
      const fy = Math.max(0, Math.min(1, sy - y0));
      const i00 = (y0 * sw + x0) * ch;
      const i01 = (y0 * sw + x1) * ch;
      const i10 = (y1 * sw + x0) * ch;
      const i11 = (y1 * sw + x1) * ch;
      for (let c = 0; c < ch; c++) {
        const top = data[i00 + c]! + (data[i01 + c]! - data[i00 + c]!) * fx;
        const bottom = data[i10 + c]! + (data[i11 + c]! - data[i10 + c]!) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { data: out, width, height, channels: ch };
}

/** Corners of a w x h rectangle, clockwise from top-left (the order card-outline.ts gives quadrilaterals in). */
export function rectangle(width: number, height: number): Point[] {
  return [
    { x: 0, y: 0 },
    { x: width, y: 0 },
    { x: width, y: height },
    { x: 0, y: height },
  ];
}
