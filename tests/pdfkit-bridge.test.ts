/**
 * What the engine relies on in pdfkit 0.20's internals, beyond its public API: the font object it
 * hands to pdfkit (its EmbeddedFont calls `layout` and `createSubset` and reads fontkit fields of
 * the object), and the way draw.ts's withActualText shadows `addContent` to put an ActualText span
 * around a text object. These tests record what pdfkit actually does, so that an upgrade that
 * changes it fails here and not as a silently wrong PDF.
 */
import { inflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawDocument } from '../lambdas/render/draw';
import { type EmbeddedFont, type FontSet, loadFonts } from '../lambdas/render/fonts';
import type { LayoutDocument, PositionedRun } from '../lambdas/render/layout';
import type { GlyphRun } from '../lambdas/render/fonts';

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

/** Operators that may stand inside a text object as pdfkit writes one (PDF 32000 9.4). */
const TEXT_OBJECT_OPERATOR = / (Tm|Tf|TJ|Tr|Tc|Tz)$/;

/**
 * A tagged pdfkit document as draw.ts makes one, one page open, with an own `addContent` that
 * writes down every call before handing it to pdfkit's, and every line the page's content
 * stream receives whichever way it comes.
 */
function recordingDocument(font: EmbeddedFont): { doc: InstanceType<typeof PDFDocument>; calls: string[]; written: string[] } {
  const doc = new PDFDocument({ size: [300, 200], margin: 0, font: null as unknown as string, autoFirstPage: false, tagged: true });
  doc.registerFont('regular', font.pdfkitFont as string);
  doc.addPage({ size: [300, 200], margin: 0 });
  const calls: string[] = [];
  const written: string[] = [];
  const page = (doc as unknown as { page: { write(data: string): void } }).page;
  const write = page.write.bind(page);
  page.write = (data: string) => {
    written.push(data);
    write(data);
  };
  const own = doc as unknown as { addContent(data: string): unknown };
  const addContent = own.addContent.bind(doc);
  own.addContent = (data: string) => {
    calls.push(data);
    return addContent(data);
  };
  return { doc, calls, written };
}

describe('pdfkit: what withActualText relies on', () => {
  let font: EmbeddedFont;
  beforeAll(async () => {
    font = (await loadFonts()).variants.regular;
  });

  it('has addContent on the prototype only, so an own one shadows it and deleting that restores it', () => {
    // Prepare
    const doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string });
    // A property, not a method: the test compares the functions themselves, never calls them unbound.
    const own = doc as unknown as { addContent: (data: string) => unknown };
    const shadow = (): unknown => doc;

    // Act
    const before = Object.hasOwn(doc, 'addContent');
    own.addContent = shadow;
    const shadowed = own.addContent;
    delete (own as Partial<typeof own>).addContent;

    // Assert
    expect(before).toBe(false);
    expect(shadowed).toBe(shadow);
    expect(own.addContent).toBe((PDFDocument.prototype as unknown as typeof own).addContent);
  });

  it('writes every operator of a text through addContent, one call each, BT and ET alone, inside its own q … Q', () => {
    // Prepare: an accent placed by an offset makes pdfkit move the text matrix inside the text object.
    const { doc, calls, written } = recordingDocument(font);
    const text = 'Kyiv e\u0301te\u0301';

    // Act
    doc.font('regular').fontSize(12).text(text, 10, 50, { lineBreak: false, baseline: 'alphabetic', textWidth: 80 } as PDFKit.Mixins.TextOptions);

    // Assert: nothing reaches the page but through addContent, so nothing escapes the span.
    expect(written).toEqual(calls);
    expect(calls.slice(0, 3)).toEqual(['q', '1 0 0 -1 0 200 cm', 'BT']);
    expect(calls.slice(-2)).toEqual(['ET', 'Q']);
    const inside = calls.slice(3, -2);
    expect(inside.every((operator) => TEXT_OBJECT_OPERATOR.test(operator))).toBe(true);
    expect(inside.filter((operator) => operator.endsWith(' Tm')).length).toBeGreaterThan(1);
  });

  it('draws the glyphs its font’s layout returns, in their order, layout on the prototype only so that an own one shadows it', () => {
    // Prepare
    const { doc, calls } = recordingDocument(font);
    const embedded = (doc.font('regular') as unknown as { _font: { layout(text: string, features?: unknown, onlyWidth?: boolean): GlyphRun } })._font;
    const glyphsDrawn = (): string[] => calls.splice(0).filter((operator) => operator.endsWith(' TJ')).flatMap((operator) => [...operator.matchAll(/<([0-9a-f]+)>/g)].flatMap((hex) => (hex[1] as string).match(/.{4}/g) ?? []));
    const draw = (): void => void doc.fontSize(12).text('Kyiv', 10, 50, { lineBreak: false, baseline: 'alphabetic', textWidth: 40 } as PDFKit.Mixins.TextOptions);
    draw();
    const straight = glyphsDrawn();

    // Act: draw.ts's withActualText reorders glyphs so.
    const inherited = !Object.hasOwn(embedded, 'layout');
    const layout = embedded.layout.bind(embedded);
    embedded.layout = (text, features, onlyWidth) => {
      const run = layout(text, features, onlyWidth);
      return onlyWidth === true ? run : { ...run, glyphs: [...run.glyphs].reverse(), positions: [...run.positions].reverse() };
    };
    draw();
    const shadowed = glyphsDrawn();
    delete (embedded as Partial<typeof embedded>).layout;
    draw();

    // Assert
    expect(inherited).toBe(true);
    expect(straight).toHaveLength(4);
    expect(shadowed).toEqual([...straight].reverse());
    expect(glyphsDrawn()).toEqual(straight);
  });

  it('opens a Span with ActualText inside a structure’s marked content without closing it, and closes it with one EMC', () => {
    // Prepare
    const { doc, calls } = recordingDocument(font);
    const markings = (): unknown[] => (doc as unknown as { page: { markings: unknown[] } }).page.markings;
    doc.markStructureContent('P');
    calls.length = 0;

    // Act
    doc.markContent('Span', { actual: 'Kyiv' });
    const open = markings().length;
    const opened = [...calls];
    doc.endMarkedContent();

    // Assert: pdfkit closes what is open only before an Artifact or a marking with an MCID.
    expect(opened).toEqual(['/Span <<\n/ActualText (Kyiv)\n>> BDC']);
    expect(open).toBe(2);
    expect(calls.slice(1)).toEqual(['EMC']);
    expect(markings()).toHaveLength(1);
  });
});

/**
 * The operators of the content streams of a PDF pdfkit wrote (each a FlateDecode stream), one a
 * line, a marked-content dictionary (which pdfkit writes over several lines) on its operator's line.
 */
function contentStreams(pdf: Buffer): string[][] {
  const raw = pdf.toString('latin1');
  return [...raw.matchAll(/stream\n([\s\S]*?)\nendstream/g)]
    .map((match) => {
      try {
        return inflateSync(Buffer.from(match[1] as string, 'latin1')).toString('latin1');
      } catch {
        return '';
      }
    })
    .filter((stream) => stream.includes(' BDC'))
    .map((stream) => stream.replace(/<<\n([\s\S]*?)\n>>/g, (_, entries: string) => `<< ${entries.replace(/\n/g, ' ')} >>`).split('\n'));
}

/** The operators that open or close something: marked content (by tag), graphics state, text objects. */
const nesting = (operators: readonly string[]): string[] =>
  operators.filter((line) => / BDC$/.test(line) || ['q', 'Q', 'BT', 'ET', 'EMC'].includes(line)).map((line) => line.replace(/^\/(\w+) .* BDC$/, '/$1 BDC'));

describe('draw: a run with ActualText', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
  });

  const run = (text: string, x: number, actualText?: string): PositionedRun => ({
    text,
    variant: 'regular',
    size: 12,
    color: '#000000',
    x,
    width: 40,
    href: null,
    struct: 1,
    ...(actualText === undefined ? {} : { actualText }),
  });
  const layout = (runs: PositionedRun[]): LayoutDocument => ({
    width: 300,
    height: 200,
    meta: { lang: 'en', title: 'T', author: 'A', subject: 'S', keywords: [] },
    structure: { id: 0, type: 'Document', children: [{ id: 1, type: 'P', children: [] }] },
    pages: [{ nodes: [{ kind: 'text', baseline: 50, runs }] }],
    warnings: [],
  });

  it('is a Span around exactly its text object, inside pdfkit’s q … Q and its element’s marked content; the next run has none', async () => {
    // Act
    const { pdf } = await drawDocument(layout([run('viyK', 10, 'Kyiv'), run('Paris', 60)]), fonts, { creationDate: new Date(0), producer: 'test', warnings: 0 });

    // Assert
    const [operators = []] = contentStreams(pdf);
    expect(nesting(operators)).toEqual([
      ...['/P BDC', 'q', '/Span BDC', 'BT', 'ET', 'EMC', 'Q', 'EMC'],
      ...['/P BDC', 'q', 'BT', 'ET', 'Q', 'EMC'],
    ]);
    const span = operators.findIndex((line) => line.startsWith('/Span '));
    expect(operators[span]).toBe('/Span << /ActualText (Kyiv) >> BDC');
    const text = operators.slice(span + 2, operators.indexOf('ET', span));
    expect(operators[span + 1]).toBe('BT');
    expect(text.length).toBeGreaterThan(0);
    expect(text.every((operator) => TEXT_OBJECT_OPERATOR.test(operator))).toBe(true);
  });
});
