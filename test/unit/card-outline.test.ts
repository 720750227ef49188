import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { beyondFrame, findCardQuad } from '../../lambdas/adapters/cards/card-outline.js';
import { invertDarkPanels, prepareCardPhoto } from '../../lambdas/adapters/cards/image-prep.js';
import { applyHomography, homography, rectangle, warp, type Point } from '../../lambdas/adapters/cards/perspective.js';

/** A light quadrilateral with a few dark "text" bars on a mottled brown table, as raw RGB. */
async function scene(quad: Point[], width = 400, height = 300) {
  const pts = quad.map((p) => `${p.x},${p.y}`).join(' ');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#7a5a3c"/>
    <polygon points="${pts}" fill="#f2f0ea"/>
    <rect x="${quad[0]!.x + 40}" y="${quad[0]!.y + 50}" width="90" height="8" fill="#222"/>
    <rect x="${quad[0]!.x + 40}" y="${quad[0]!.y + 70}" width="120" height="6" fill="#222"/>
  </svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).blur(0.8).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** A photo of the photo set as the card pipeline searches it: EXIF-turned, 400 px on its long side, raw RGB. */
async function photoAt400(name: string) {
  const { data, info } = await sharp(`test/fixtures/card-photos/${name}`)
    .rotate()
    .resize(400, 400, { fit: 'inside' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

const near = (found: Point[], want: Point[], tolerance: number) =>
  want.every((w) => found.some((f) => Math.hypot(f.x - w.x, f.y - w.y) <= tolerance));

describe('card outline', () => {
  it('finds the corners of a card seen at an angle, clockwise from the top-left', async () => {
    const quad = [
      { x: 70, y: 60 },
      { x: 330, y: 40 },
      { x: 350, y: 230 },
      { x: 50, y: 255 },
    ];
    const found = findCardQuad(await scene(quad));
    expect(found).not.toBeNull();
    expect(near(found!, quad, 4)).toBe(true);
    expect(found![0]!.x).toBeLessThan(200);
    expect(found![0]!.y).toBeLessThan(150);
    expect(found![1]!.x).toBeGreaterThan(200);
  });

  it('finds a card turned by 90 degrees', async () => {
    const quad = [
      { x: 140, y: 20 },
      { x: 270, y: 30 },
      { x: 260, y: 280 },
      { x: 130, y: 270 },
    ];
    expect(near(findCardQuad(await scene(quad))!, quad, 4)).toBe(true);
  });

  it('takes the whole card when a dark band printed along its top meets a dark table (kg-kyzy of the photo set)', async () => {
    // The paper's edge on the dark table is far stronger than the band's: the paper below the band alone must not
    // win, or the name printed in the band is cut off. Corners read off the photo at 300x400.
    const found = findCardQuad(await photoAt400('kg-kyzy.jpg'));
    const card = [
      { x: 20, y: 127 },
      { x: 218, y: 96 },
      { x: 251, y: 219 },
      { x: 22, y: 258 },
    ];
    expect(found).not.toBeNull();
    expect(near(found!, card, 6), JSON.stringify(found)).toBe(true);
  });

  it('follows a card that runs off the photo beyond its edge (the real Contoso photo), so its print is kept', async () => {
    // The card's right end is outside the photo: a quad cut at the photo's edge crossed "Cloud & AI Department"
    // and the e-mail. Its top-right corner is in the photo (about 330,21 at 400x300); the other right one is not.
    const photo = await photoAt400('real-contoso-chris.jpg');
    const found = findCardQuad(photo);
    expect(found).not.toBeNull();
    const [topLeft, topRight, bottomRight, bottomLeft] = found!;
    expect(near([topLeft!, topRight!, bottomLeft!], [{ x: 10, y: 67 }, { x: 330, y: 21 }, { x: 6, y: 289 }], 8), JSON.stringify(found)).toBe(true);
    expect(bottomRight!.x, JSON.stringify(found)).toBeGreaterThan(photo.width);
  });

  it('replaces a stretch of hull along the photo\'s edge by where the sides meeting it cross, within reach', () => {
    // A card whose bottom-right corner (130, 90) is cut off by a 100x80 photo: the hull runs down its right edge.
    const cut = [{ x: 10, y: 10 }, { x: 90, y: 10 }, { x: 100, y: 30 }, { x: 100, y: 70 }, { x: 10, y: 70 }];
    expect(beyondFrame(cut, 100, 80)).toEqual([{ x: 10, y: 10 }, { x: 90, y: 10 }, { x: 120, y: 70 }, { x: 10, y: 70 }]);
    // The same hull starting elsewhere, so that the stretch wraps from the last vertex to the first.
    expect(beyondFrame([cut[3]!, cut[4]!, cut[0]!, cut[1]!, cut[2]!], 100, 80)).toEqual([{ x: 10, y: 70 }, { x: 10, y: 10 }, { x: 90, y: 10 }, { x: 120, y: 70 }]);
    // A corner that only touches the edge stays; so does a stretch whose sides would meet too far away.
    const touching = [{ x: 10, y: 10 }, { x: 99, y: 10 }, { x: 100, y: 14 }, { x: 90, y: 70 }, { x: 10, y: 70 }];
    expect(beyondFrame(touching, 100, 80)).toEqual(touching);
    const parallel = [{ x: 10, y: 10 }, { x: 60, y: 10 }, { x: 100, y: 10.5 }, { x: 100, y: 70 }, { x: 10, y: 70 }];
    expect(beyondFrame(parallel, 100, 80)).toEqual(parallel);
  });

  it('returns null for a photo with no card in it', async () => {
    const { data, info } = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#7a5a3c' } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(findCardQuad({ data, width: info.width, height: info.height, channels: 3 })).toBeNull();
  });
});

describe('perspective warp', () => {
  it('maps four points exactly and warps a quadrilateral back to a rectangle', () => {
    const quad = [
      { x: 12, y: 8 },
      { x: 90, y: 14 },
      { x: 84, y: 70 },
      { x: 6, y: 60 },
    ];
    const h = homography(rectangle(40, 20), quad);
    rectangle(40, 20).forEach((p, i) => {
      const q = applyHomography(h, p);
      expect(q.x).toBeCloseTo(quad[i]!.x, 6);
      expect(q.y).toBeCloseTo(quad[i]!.y, 6);
    });
    // A source whose pixel value is its column: the warped rectangle's left half comes from the quad's left part.
    const width = 100;
    const height = 80;
    const data = new Uint8Array(width * height).map((_, i) => i % width);
    const out = warp({ data, width, height, channels: 1 }, h, 40, 20);
    expect(out.width).toBe(40);
    expect(out.data[10 * 40 + 1]!).toBeLessThan(20);
    expect(out.data[10 * 40 + 38]!).toBeGreaterThan(80);
  });

  it('refuses three collinear corners', () => {
    expect(() => homography(rectangle(10, 10), [{ x: 0, y: 0 }, { x: 5, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 10 }])).toThrow(/degenerate/);
  });
});

/** A flat card (no table around it) as PNG: paper and text colours, an optional dark band over the top. */
async function flatCard(paper: string, ink: string, band?: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="400">
    <rect width="100%" height="100%" fill="${paper}"/>
    ${band ? `<rect width="100%" height="120" fill="${band}"/><text x="40" y="80" font-size="44" font-family="sans-serif" fill="${paper}">Band Name</text>` : ''}
    <text x="40" y="220" font-size="34" font-family="sans-serif" fill="${ink}">+1 415 555 0134</text>
    <text x="40" y="280" font-size="34" font-family="sans-serif" fill="${ink}">john@acme.com</text>
  </svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

describe('light text on dark cards', () => {
  it('inverts a dark card and leaves a light one as it is', async () => {
    expect((await prepareCardPhoto(await flatCard('#1d2b4a', '#f0f0f0'))).inverted).toBe(true);
    expect((await prepareCardPhoto(await flatCard('#f4f2ec', '#202020'))).inverted).toBe(false);
  });

  it('inverts a dark band on a light card, and only the band', async () => {
    const { data, info } = await sharp(await flatCard('#f4f2ec', '#202020', '#1f3b73')).greyscale().raw().toBuffer({ resolveWithObject: true });
    const out = await invertDarkPanels({ data, width: info.width, height: info.height, channels: 1 });
    const at = (x: number, y: number) => out.data[y * info.width + x]!;
    // The band (was dark) is light now; the paper below stays light and its print dark.
    expect(at(600, 30)).toBeGreaterThan(150);
    expect(at(600, 350)).toBeGreaterThan(150);
    expect(at(600, 350)).toBe(data[350 * info.width + 600]);
  });

  it('inverts a light grey panel printed with white letters, but not a shadow of the same grey over dark print', async () => {
    // Paper 0xe0 (224), panel and shadow 0xae (174): 0.78 of the paper, lighter than the bands the first test takes.
    const card = async (cover: string) =>
      sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="600">
        <rect width="100%" height="100%" fill="#e0e0e0"/>
        <rect x="0" y="300" width="1000" height="300" fill="#aeaeae"/>
        ${cover}
        <text x="40" y="120" font-size="40" font-family="sans-serif" fill="#202020">Chris Smith</text>
      </svg>`)).greyscale().raw().toBuffer({ resolveWithObject: true });
    const panel = await card('<text x="40" y="420" font-size="40" font-family="sans-serif" fill="#ffffff">Tel: +1 987 213 5674</text><text x="40" y="500" font-size="40" font-family="sans-serif" fill="#ffffff">Fax: +1 987 312 6745</text>');
    const inverted = await invertDarkPanels({ data: panel.data, width: 1000, height: 600, channels: 1 });
    // The panel is light now and its letters dark; the paper above keeps its dark print.
    expect(inverted.data[560 * 1000 + 900]!).toBeGreaterThan(60);
    expect(inverted.data[560 * 1000 + 900]!).toBe(255 - panel.data[560 * 1000 + 900]!);
    expect(inverted.data[50 * 1000 + 900]).toBe(panel.data[50 * 1000 + 900]);
    const shadow = await card('<text x="40" y="420" font-size="40" font-family="sans-serif" fill="#202020">Tel: +1 987 213 5674</text><text x="40" y="500" font-size="40" font-family="sans-serif" fill="#202020">Fax: +1 987 312 6745</text>');
    const untouched = await invertDarkPanels({ data: shadow.data, width: 1000, height: 600, channels: 1 });
    expect(Buffer.from(untouched.data).equals(Buffer.from(shadow.data))).toBe(true);
  });
});
