// Finds a business card in a photo: the quadrilateral of its outline, corners clockwise from top-left (as seen
// in the photo). Works on a small RGB image (about 400 px on the long side):
//   1. the table: colours along the photo's border, clustered (wood grain and uneven light give several);
//   2. the card: pixels far from every table colour (Otsu threshold on that distance), largest blob;
//   3. its convex hull, cut down to four corners (the hull vertex spanning the least area goes first);
//   4. each side moved onto the strongest brightness edge next to it and refitted as a straight line, so a
//      shadow, rounded corners or a blob that leaked a little do not bend the result.
// Returns null when nothing card-like is found (then the whole photo is read as it is).
import type { Point, RawImage } from './perspective.js';

/** Smallest share of the photo a card must cover to be taken as the card (smaller blobs are objects or noise). */
const MIN_AREA_SHARE = 0.06;
/**
 * Least Sobel magnitude (|gx| + |gy|) that stops the table fill, a step of about 8 grey levels; raised where
 * the table's own texture is stronger.
 */
const STRONG_EDGE = 30;
/** Least difference (grey levels, per-channel median) between a card and what is around it: a white card on a
 * light desk measured 10, a block of print on a scanned card 1. */
const MIN_CARD_STEP = 6;
/** Edge support (median Sobel magnitude along the weakest side) of a clear outline: a step of ~25 grey levels. */
const CLEAR_EDGE = 100;

function luminance(img: RawImage): Float32Array {
  const { data, width, height, channels } = img;
  const out = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    out[i] = channels >= 3 ? 0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]! : data[o]!;
  }
  return out;
}

/** k-means on the border pixels' colours: the table as a few colours. */
function tableColours(img: RawImage, k = 4, frame = 3): number[][] {
  const { data, width, height, channels } = img;
  const samples: number[][] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x >= frame && y >= frame && x < width - frame && y < height - frame) continue;
      const o = (y * width + x) * channels;
      samples.push([data[o]!, data[o + 1 < data.length && channels > 1 ? o + 1 : o]!, data[channels > 2 ? o + 2 : o]!]);
    }
  }
  samples.sort((a, b) => a[0]! + a[1]! + a[2]! - (b[0]! + b[1]! + b[2]!));
  let centres = Array.from({ length: k }, (_, i) => [...samples[Math.floor(((i + 0.5) / k) * samples.length)]!]);
  for (let iter = 0; iter < 8; iter++) {
    const sums = centres.map(() => [0, 0, 0, 0]);
    for (const s of samples) {
      let best = 0;
      let bestD = Infinity;
      centres.forEach((c, j) => {
        const d = (s[0]! - c[0]!) ** 2 + (s[1]! - c[1]!) ** 2 + (s[2]! - c[2]!) ** 2;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      });
      const sum = sums[best]!;
      sum[0]! += s[0]!;
      sum[1]! += s[1]!;
      sum[2]! += s[2]!;
      sum[3]!++;
    }
    centres = centres.map((c, j) => {
      const sum = sums[j]!;
      return sum[3]! ? [sum[0]! / sum[3]!, sum[1]! / sum[3]!, sum[2]! / sum[3]!] : c;
    });
  }
  return centres;
}

/** Otsu's threshold over values in 0..255. */
export function otsu(values: ArrayLike<number>): number {
  const hist = new Array<number>(256).fill(0);
  for (let i = 0; i < values.length; i++) hist[Math.max(0, Math.min(255, Math.round(values[i]!)))]!++;
  const total = values.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (!wB) continue;
    const wF = total - wB;
    if (!wF) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** 4-connected blobs of `mask`: a label per pixel (0 = none) and each label's size (index = label). */
export function labelBlobs(mask: Uint8Array, width: number, height: number): { label: Int32Array; sizes: number[] } {
  const label = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const sizes = [0];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || label[start]) continue;
    const id = sizes.length;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    label[start] = id;
    while (top) {
      const p = stack[--top]!;
      size++;
      const x = p % width;
      if (x > 0 && mask[p - 1] && !label[p - 1]) (label[p - 1] = id), (stack[top++] = p - 1);
      if (x < width - 1 && mask[p + 1] && !label[p + 1]) (label[p + 1] = id), (stack[top++] = p + 1);
      if (p >= width && mask[p - width] && !label[p - width]) (label[p - width] = id), (stack[top++] = p - width);
      if (p < mask.length - width && mask[p + width] && !label[p + width]) (label[p + width] = id), (stack[top++] = p + width);
    }
    sizes.push(size);
  }
  return { label, sizes };
}

/** The largest 4-connected blob of `mask`, as a mask, with its pixel count. */
export function largestBlob(mask: Uint8Array, width: number, height: number): { blob: Uint8Array; size: number } {
  const { label, sizes } = labelBlobs(mask, width, height);
  let best = 0;
  for (let i = 1; i < sizes.length; i++) if (sizes[i]! > sizes[best]!) best = i;
  const blob = Uint8Array.from(label, (l) => (best && l === best ? 1 : 0));
  return { blob, size: sizes[best]! };
}

/** 3x3 box majority: closes pinholes and drops specks in the mask. */
function smooth(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) n += mask[(y + dy) * width + x + dx]!;
      out[y * width + x] = n >= 5 ? 1 : 0;
    }
  }
  return out;
}

const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** Andrew's monotone chain; counter-clockwise in y-down image coordinates means clockwise on screen. */
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length < 3) return pts;
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (const p of pts.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

export function polygonArea(poly: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    a += p.x * q.y - q.x * p.y;
  }
  return Math.abs(a) / 2;
}

/** Drops the hull vertex whose triangle with its neighbours is smallest until four remain. */
function reduceToQuad(hull: Point[]): Point[] {
  const poly = [...hull];
  while (poly.length > 4) {
    let best = 0;
    let bestArea = Infinity;
    for (let i = 0; i < poly.length; i++) {
      const a = poly[(i + poly.length - 1) % poly.length]!;
      const b = poly[i]!;
      const c = poly[(i + 1) % poly.length]!;
      const area = Math.abs(cross(a, b, c));
      if (area < bestArea) {
        bestArea = area;
        best = i;
      }
    }
    poly.splice(best, 1);
  }
  return poly;
}

/**
 * A card that runs off the photo: its hull follows the photo's edge for a while, and cutting that stretch down to
 * a corner would cut off the card's end with its print. The stretch is replaced by where the card's two sides that
 * meet it would cross beyond the photo (each side taken from the hull vertex before the stretch to the one that
 * starts it), when they cross within half a photo of it; the part outside is read as blank paper.
 */
export function beyondFrame(hull: Point[], width: number, height: number): Point[] {
  // Within two pixels: the blob's mask is smoothed, which clears the outermost row and column.
  const onEdge = (p: Point) => (p.x <= 2 ? 1 : 0) | (p.x >= width - 2 ? 2 : 0) | (p.y <= 2 ? 4 : 0) | (p.y >= height - 2 ? 8 : 0);
  const out = [...hull];
  for (let i = 0; i < out.length && out.length > 4; i++) {
    const j = (i + 1) % out.length;
    const a = out[i]!;
    const b = out[j]!;
    const shared = onEdge(a) & onEdge(b);
    // A short stretch is a corner that merely touches the edge.
    if (!shared || Math.hypot(b.x - a.x, b.y - a.y) < 0.1 * Math.min(width, height)) continue;
    const before = out[(i + out.length - 1) % out.length]!;
    const after = out[(i + 2) % out.length]!;
    const corner = intersect({ p: before, d: { x: a.x - before.x, y: a.y - before.y } }, { p: b, d: { x: after.x - b.x, y: after.y - b.y } });
    const reach = 0.5 * Math.max(width, height);
    if (!corner || corner.x < -reach || corner.y < -reach || corner.x > width + reach || corner.y > height + reach) continue;
    out[i] = corner;
    out.splice(j, 1);
  }
  return out;
}

/** Corners clockwise on screen, starting with the one nearest the photo's top-left. */
export function orderCorners(quad: readonly Point[]): Point[] {
  const cx = quad.reduce((s, p) => s + p.x, 0) / quad.length;
  const cy = quad.reduce((s, p) => s + p.y, 0) / quad.length;
  const sorted = [...quad].sort((a, b) => Math.atan2(a.y - cy, a.x - cx) - Math.atan2(b.y - cy, b.x - cx));
  let first = 0;
  sorted.forEach((p, i) => {
    if (p.x + p.y < sorted[first]!.x + sorted[first]!.y) first = i;
  });
  return [...sorted.slice(first), ...sorted.slice(0, first)];
}

interface Line {
  /** A point on the line and its unit direction. */
  p: Point;
  d: Point;
}

/** Total least squares fit through points. */
function fitLine(points: Point[]): Line {
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  return { p: { x: mx, y: my }, d: { x: Math.cos(angle), y: Math.sin(angle) } };
}

function intersect(a: Line, b: Line): Point | null {
  const det = a.d.x * b.d.y - a.d.y * b.d.x;
  if (Math.abs(det) < 1e-9) return null;
  const t = ((b.p.x - a.p.x) * b.d.y - (b.p.y - a.p.y) * b.d.x) / det;
  return { x: a.p.x + t * a.d.x, y: a.p.y + t * a.d.y };
}

/**
 * Moves each side of `quad` onto the strongest brightness step within `reach` px along its normal, then fits a
 * line through those steps (dropping the worst third once) and intersects neighbouring sides.
 */
function refine(quad: Point[], lum: Float32Array, width: number, height: number, reach: number): Point[] {
  const at = (x: number, y: number) => lum[Math.max(0, Math.min(height - 1, Math.round(y))) * width + Math.max(0, Math.min(width - 1, Math.round(x)))]!;
  const lines: Line[] = [];
  for (let s = 0; s < 4; s++) {
    const a = quad[s]!;
    const b = quad[(s + 1) % 4]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const n = { x: -(b.y - a.y) / len, y: (b.x - a.x) / len };
    const found: { p: Point; strength: number }[] = [];
    const samples = Math.max(8, Math.round(len / 4));
    for (let i = 1; i < samples; i++) {
      const t = 0.1 + (0.8 * i) / samples;
      const base = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
      let best = 0;
      let bestOffset = 0;
      for (let o = -reach; o <= reach; o += 0.5) {
        const g = Math.abs(at(base.x + n.x * (o + 1), base.y + n.y * (o + 1)) - at(base.x + n.x * (o - 1), base.y + n.y * (o - 1)));
        if (g > best) {
          best = g;
          bestOffset = o;
        }
      }
      if (best > 8) found.push({ p: { x: base.x + n.x * bestOffset, y: base.y + n.y * bestOffset }, strength: best });
    }
    if (found.length < 4) {
      lines.push({ p: a, d: { x: (b.x - a.x) / len, y: (b.y - a.y) / len } });
      continue;
    }
    let line = fitLine(found.map((f) => f.p));
    const distance = (p: Point) => Math.abs((p.x - line.p.x) * line.d.y - (p.y - line.p.y) * line.d.x);
    const kept = [...found].sort((u, v) => distance(u.p) - distance(v.p)).slice(0, Math.max(4, Math.ceil((found.length * 2) / 3)));
    line = fitLine(kept.map((f) => f.p));
    lines.push(line);
  }
  const corners: Point[] = [];
  for (let s = 0; s < 4; s++) {
    const c = intersect(lines[(s + 3) % 4]!, lines[s]!);
    if (!c) return quad;
    corners.push(c);
  }
  // A refit that moved a corner far (a texture edge won) is not trusted.
  const moved = Math.max(...corners.map((c, i) => Math.hypot(c.x - quad[i]!.x, c.y - quad[i]!.y)));
  return moved <= reach * 3 ? corners : quad;
}

function isPlausible(quad: Point[], width: number, height: number): boolean {
  if (polygonArea(quad) < MIN_AREA_SHARE * width * height) return false;
  // Business cards are 1.4 to 1.9 times as wide as tall (ISO 85x55, US 3.5x2); an angle skews that a little.
  // A much longer strip is a printed band or a card's edge, not the card.
  const side = (i: number) => Math.hypot(quad[(i + 1) % 4]!.x - quad[i]!.x, quad[(i + 1) % 4]!.y - quad[i]!.y);
  const ratio = (side(0) + side(2)) / (side(1) + side(3));
  if (Math.max(ratio, 1 / ratio) > 2.6 || Math.max(ratio, 1 / ratio) < 1.1) return false;
  for (let i = 0; i < 4; i++) {
    const a = quad[(i + 3) % 4]!;
    const b = quad[i]!;
    const c = quad[(i + 1) % 4]!;
    const v1 = { x: a.x - b.x, y: a.y - b.y };
    const v2 = { x: c.x - b.x, y: c.y - b.y };
    const cos = (v1.x * v2.x + v1.y * v2.y) / (Math.hypot(v1.x, v1.y) * Math.hypot(v2.x, v2.y));
    // Corners of a card seen at up to ~45 degrees stay within 40..140 degrees.
    if (Math.abs(cos) > Math.cos((40 * Math.PI) / 180)) return false;
  }
  return true;
}

/** Per-pixel colour gradient (Sobel, the strongest channel). */
function gradient(img: RawImage): Float32Array {
  const { data, width, height, channels } = img;
  const out = new Float32Array(width * height);
  const row = width * channels;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      let best = 0;
      const o = (y * width + x) * channels;
      for (let c = 0; c < Math.min(3, channels); c++) {
        const i = o + c;
        const tl = data[i - row - channels]!;
        const tr = data[i - row + channels]!;
        const bl = data[i + row - channels]!;
        const br = data[i + row + channels]!;
        const gx = tr + 2 * data[i + channels]! + br - tl - 2 * data[i - channels]! - bl;
        const gy = bl + 2 * data[i + row]! + br - tl - 2 * data[i - row]! - tr;
        const m = Math.abs(gx) + Math.abs(gy);
        if (m > best) best = m;
      }
      out[y * width + x] = best;
    }
  }
  return out;
}

/**
 * The table: everything reachable from the photo's border without crossing a strong edge. Light that changes
 * slowly across the table does not stop the fill; the card's outline does.
 */
/** Edge strengths that may stop the fill: set by the table's texture, and by the card's print. */
function fillThresholds(g: Float32Array, width: number, height: number): number[] {
  // The table's own texture (grain, weave, noise) seen along the photo's border sets how strong an edge must be.
  const frame = Math.max(4, Math.round(Math.min(width, height) * 0.04));
  const border: number[] = [];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      if (x > frame && y > frame && x < width - 1 - frame && y < height - 1 - frame) continue;
      border.push(g[y * width + x]!);
    }
  }
  border.sort((a, b) => a - b);
  const sorted = Float32Array.from(g).sort();
  return [Math.max(STRONG_EDGE, 1.5 * border[Math.floor(border.length * 0.95)]!), Math.max(40, 0.3 * sorted[Math.floor(sorted.length * 0.98)]!)];
}

function tableByFill(g: Float32Array, width: number, height: number, strong: number): Uint8Array {
  const wall = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (g[y * width + x]! <= strong) continue;
      // Thicken walls by a pixel so the fill cannot slip through a diagonal gap.
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx >= 0 && yy >= 0 && xx < width && yy < height) wall[yy * width + xx] = 1;
        }
      }
    }
  }
  const table = new Uint8Array(width * height);
  const stack: number[] = [];
  const push = (p: number) => {
    if (!wall[p] && !table[p]) {
      table[p] = 1;
      stack.push(p);
    }
  };
  for (let x = 0; x < width; x++) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (stack.length) {
    const p = stack.pop()!;
    const x = p % width;
    if (x > 0) push(p - 1);
    if (x < width - 1) push(p + 1);
    if (p >= width) push(p - width);
    if (p < (height - 1) * width) push(p + width);
  }
  return table;
}

/** How well a quadrilateral sits on edges: the weakest side's median gradient along it. */
function edgeSupport(quad: Point[], g: Float32Array, width: number, height: number): number {
  let weakest = Infinity;
  for (let s = 0; s < 4; s++) {
    const a = quad[s]!;
    const b = quad[(s + 1) % 4]!;
    const values: number[] = [];
    for (let t = 0.05; t <= 0.95; t += 0.02) {
      let best = 0;
      // The strongest gradient within a pixel of the side: the side is fitted, not exact.
      for (let o = -1; o <= 1; o++) {
        for (let q = -1; q <= 1; q++) {
          const x = Math.round(a.x + (b.x - a.x) * t) + o;
          const y = Math.round(a.y + (b.y - a.y) * t) + q;
          if (x >= 0 && y >= 0 && x < width && y < height) best = Math.max(best, g[y * width + x]!);
        }
      }
      values.push(best);
    }
    values.sort((u, v) => u - v);
    weakest = Math.min(weakest, values[Math.floor(values.length / 2)]!);
  }
  return weakest;
}

function colourMask(img: RawImage): Uint8Array {
  const { width, height, channels, data } = img;
  const centres = tableColours(img);
  const dist = new Float32Array(width * height);
  let max = 1;
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    const r = data[o]!;
    const g = data[channels > 1 ? o + 1 : o]!;
    const b = data[channels > 2 ? o + 2 : o]!;
    let best = Infinity;
    for (const c of centres) best = Math.min(best, (r - c[0]!) ** 2 + (g - c[1]!) ** 2 + (b - c[2]!) ** 2);
    dist[i] = Math.sqrt(best);
    if (dist[i]! > max) max = dist[i]!;
  }
  const scaled = dist.map((d) => (d / max) * 255);
  const t = otsu(scaled);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = scaled[i]! > t ? 1 : 0;
  return mask;
}

function quadOfMask(mask: Uint8Array, img: RawImage, lum: Float32Array): Point[] | null {
  const { width, height } = img;
  const { blob, size } = largestBlob(smooth(mask, width, height), width, height);
  if (size < MIN_AREA_SHARE * width * height) return null;
  // Hull over the blob's row ends is the hull of the blob, from far fewer points.
  const ends: Point[] = [];
  for (let y = 0; y < height; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (!blob[y * width + x]) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first >= 0) ends.push({ x: first, y }, { x: last + 1, y }, { x: first, y: y + 1 }, { x: last + 1, y: y + 1 });
  }
  const hull = beyondFrame(convexHull(ends), width, height);
  if (hull.length < 4) return null;
  const rough = orderCorners(reduceToQuad(hull));
  const quad = orderCorners(refine(rough, lum, width, height, Math.max(3, Math.round(Math.max(width, height) / 80))));
  return isPlausible(quad, width, height) ? quad : null;
}

/**
 * The card's outline in `img` (RGB or gray, small), or null when no card-like quadrilateral stands out.
 * Candidates come from the table fill at two edge strengths and from table colours; the one whose sides
 * sit best on edges wins.
 */
export function findCardQuad(img: RawImage): Point[] | null {
  const { width, height } = img;
  const g = gradient(img);
  const lum = luminance(img);
  const masks: Uint8Array[] = fillThresholds(g, width, height).map((t) => {
    const table = tableByFill(g, width, height, t);
    return Uint8Array.from(table, (v) => (v ? 0 : 1));
  });
  masks.push(colourMask(img));
  const found = masks
    .map((mask) => quadOfMask(mask, img, lum))
    .filter((q): q is Point[] => !!q)
    .map((quad) => ({ quad, support: edgeSupport(quad, g, width, height), area: polygonArea(quad) }));
  if (!found.length) return null;
  // A band or panel printed on the card has strong edges too: of the outlines that sit well on edges, the
  // largest is the card itself. A white card with a dark band on a dark table is the hard case: the paper's edge
  // is far stronger than the band's, so an outline around both is kept when it sits on clear edges and holds the
  // strongest outline (which is then the paper below the band, not something beside it).
  const strongest = found.reduce((a, b) => (b.support > a.support ? b : a));
  const kept = found.filter((f) => f.support >= 0.4 * strongest.support || (f.support >= CLEAR_EDGE && holds(f.quad, strongest.quad)));
  const best = kept.sort((a, b) => b.area - a.area)[0]!.quad;
  // A scan or screenshot has no table: what was found is a block of print on the card's own paper, which
  // has the same colour inside and out.
  return colourStep(best, img) < MIN_CARD_STEP ? null : best;
}

/** True when every corner of `inner` lies inside `outer` or within 2 px of it. */
function holds(outer: Point[], inner: Point[]): boolean {
  return inner.every((p) =>
    outer.every((a, i) => {
      const b = outer[(i + 1) % 4]!;
      // Signed distance from side a->b; corners run clockwise on screen, so inside is positive.
      return ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)) / Math.hypot(b.x - a.x, b.y - a.y) >= -2;
    }),
  );
}

/** The largest difference of median colour channel inside and outside the quadrilateral. */
function colourStep(quad: Point[], img: RawImage): number {
  const { width, height, channels, data } = img;
  const inside = (x: number, y: number) => {
    for (let i = 0; i < 4; i++) {
      const a = quad[i]!;
      const b = quad[(i + 1) % 4]!;
      if ((b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) < 0) return false;
    }
    return true;
  };
  let step = 0;
  for (let c = 0; c < Math.min(3, channels); c++) {
    const hin = new Array<number>(256).fill(0);
    const hout = new Array<number>(256).fill(0);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) (inside(x + 0.5, y + 0.5) ? hin : hout)[data[(y * width + x) * channels + c]!]!++;
    }
    step = Math.max(step, Math.abs(histMedian(hin) - histMedian(hout)));
  }
  return step;
}

function histMedian(hist: number[]): number {
  const total = hist.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let i = 0; i < 256; i++) {
    seen += hist[i]!;
    if (seen * 2 >= total) return i;
  }
  return 255;
}
