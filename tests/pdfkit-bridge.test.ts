/**
 * The font object the engine hands to pdfkit lives on pdfkit 0.20's internals (its EmbeddedFont
 * calls `layout` and `createSubset` and reads fontkit fields of the object). These tests record
 * what pdfkit actually does with it, so that an upgrade that changes those calls fails here and
 * not as a silently wrong PDF.
 */
import PDFDocument from 'pdfkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedFont, loadFonts } from '../lambdas/render/fonts';

interface Recorded {
  readonly reads: Set<string>;
  readonly layoutCalls: [string, unknown][];
  subsets: number;
  readonly included: number[];
  encodes: number;
}

/** The bridge object behind a Proxy that writes down every property pdfkit reads and every call. */
function recording(font: EmbeddedFont): { font: object; recorded: Recorded } {
  const recorded: Recorded = { reads: new Set(), layoutCalls: [], subsets: 0, included: [], encodes: 0 };
  const bridge = font.pdfkitFont as Record<string, unknown> & {
    layout(text: string, features?: unknown): unknown;
    createSubset(): { includeGlyph(id: number): number; encode(): Uint8Array };
  };
  // Over an object inheriting from the bridge: the bridge's own fields are read-only, and a Proxy may
  // not answer for those with anything but their value.
  const proxy = new Proxy(Object.create(bridge) as typeof bridge, {
    get(target, key, receiver) {
      if (typeof key === 'string') recorded.reads.add(key);
      if (key === 'layout') {
        return (text: string, features?: unknown) => {
          recorded.layoutCalls.push([text, features]);
          return bridge.layout(text, features);
        };
      }
      if (key === 'createSubset') {
        return () => {
          recorded.subsets++;
          const subset = bridge.createSubset();
          return {
            includeGlyph: (id: number) => {
              recorded.included.push(id);
              return subset.includeGlyph(id);
            },
            encode: () => {
              recorded.encodes++;
              return subset.encode();
            },
          };
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { font: proxy, recorded };
}

async function drawWith(font: object, text: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: [300, 200], margin: 0, font: null as unknown as string, autoFirstPage: false });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', resolve));
  doc.registerFont('bridge', font as unknown as string);
  doc.addPage({ size: [300, 200], margin: 0 });
  doc.font('bridge').fontSize(12).text(text, 10, 50, { lineBreak: false, baseline: 'alphabetic' } as PDFKit.Mixins.TextOptions);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

describe('pdfkit bridge', () => {
  let font: EmbeddedFont;
  beforeAll(async () => {
    font = (await loadFonts()).variants.regular;
  });

  it('is called by pdfkit 0.20 exactly as the bridge expects: layout per space-ended chunk without features, one subset, encoded once', async () => {
    // Prepare
    const { font: proxy, recorded } = recording(font);
    const text = 'Paris et Kyiv';

    // Act
    await drawWith(proxy, text);

    // Assert: pdfkit's EmbeddedFont splits after each space and asks for no features.
    expect(recorded.layoutCalls).toEqual([
      ['Paris ', undefined],
      ['et ', undefined],
      ['Kyiv', undefined],
    ]);
    expect(recorded.subsets).toBe(1);
    expect(recorded.encodes).toBe(1);
    const shapedIds = ['Paris ', 'et ', 'Kyiv'].flatMap((chunk) => font.shape(chunk).glyphs.map((glyph) => glyph.id));
    expect(recorded.included).toEqual(shapedIds);
  });

  it('is read by pdfkit for these fontkit fields and no others', async () => {
    // Prepare
    const { font: proxy, recorded } = recording(font);

    // Act
    await drawWith(proxy, 'Élysée');

    // Assert: what a pdfkit upgrade could start or stop reading from the fontkit font under the bridge.
    expect([...recorded.reads].sort()).toEqual(
      [
        // Read by pdfkit's EmbeddedFont.
        'OS/2', 'ascent', 'bbox', 'capHeight', 'createSubset', 'descent', 'getGlyph', 'head', 'italicAngle', 'layout',
        'lineGap', 'post', 'postscriptName', 'unitsPerEm', 'xHeight',
        // Read by fontkit's own getters, which run with the bridge as `this`.
        '_glyphs', 'defaultLanguage', 'getName', 'hhea', 'name',
      ].sort(),
    );
  });

  it('hands pdfkit runs it may scale in place without changing the shared cache (a 1000-unit font)', async () => {
    // Prepare: the cached run, as a copy of its values.
    const before = JSON.stringify(font.shape('Kyiv'));

    // Act: pdfkit multiplies every position by 1000 / unitsPerEm and writes advanceWidth into it.
    await drawWith(font.pdfkitFont as object, 'Kyiv');

    // Assert
    expect((font.pdfkitFont as { unitsPerEm: number }).unitsPerEm).toBe(1000);
    expect(JSON.stringify(font.shape('Kyiv'))).toBe(before);
  });

  it('passes calls with explicit OpenType features to fontkit itself', () => {
    // Prepare
    const bridge = font.pdfkitFont as { layout(text: string, features?: unknown): { glyphs: { id: number }[] } };

    // Act: with features given, pdfkit expects fontkit's own layout, not the shared cache.
    const withFeature = bridge.layout('fi', ['liga']);
    const cached = bridge.layout('fi');

    // Assert
    expect(withFeature).not.toBe(cached);
    expect(withFeature.glyphs.map((glyph) => glyph.id)).toEqual(cached.glyphs.map((glyph) => glyph.id));
  });
});
