/**
 * draw: LayoutDocument → PDF bytes. The only module that talks to pdfkit.
 * Content is tagged as it is drawn: each run is marked content of its structure element, created
 * on first use so that the structure tree's order is the reading order; furniture and
 * decorations are artifacts.
 */
import PDFDocument from 'pdfkit';
import type { RenderDeadline } from './deadline';
import { type FontSet, type FontVariant, type GlyphRun, leftmostBaseFirst } from './fonts';
import type { GraphicShape, LayoutDocument, LayoutNode, PositionedRun, StructNode, StructType } from './layout';
import type { VectorPaint } from './types';

export interface DrawOptions {
  /** Written as CreationDate and ModDate; also seeds the file ID, so it fixes the output bytes. */
  readonly creationDate: Date;
  readonly producer: string;
  /** How many warnings the render had, written into the document information for whoever opens it. */
  readonly warnings: number;
  /** Checked before each page. */
  readonly deadline?: RenderDeadline;
  /** PDF/A-2b (docs/brand.md, "PDF/A-2b"): the sRGB profile for the output intent. */
  readonly archive?: { readonly iccProfile: Uint8Array };
}

/** pdfkit's metadata internals that the XMP packet is written through (pdfkit/js/pdfkit.js, MetadataMixin). */
interface PdfkitMetadata {
  appendXML(xml: string): void;
  _addInfo(this: PdfkitMetadata): void;
  /** The document information given to the constructor, as given. */
  readonly info: DocumentInformation;
  _root: { data: Record<string, unknown> };
  ref(data: Record<string, unknown>): { write(bytes: Uint8Array): void; end(): void };
}

type Doc = InstanceType<typeof PDFDocument>;
type StructElement = ReturnType<Doc['struct']>;
/** pdfkit's image object (openImage is missing from @types/pdfkit); image() takes it in place of bytes. */
type OpenedImage = PDFKit.Mixins.ImageSrc & { readonly width: number; readonly height: number };

const VARIANTS: readonly FontVariant[] = ['regular', 'bold', 'italic', 'boldItalic'];

export async function drawDocument(layout: LayoutDocument, fonts: FontSet, options: DrawOptions): Promise<{ pdf: Buffer; pages: number }> {
  const doc = new PDFDocument({
    size: [layout.width, layout.height],
    margin: 0,
    autoFirstPage: false,
    pdfVersion: '1.7',
    // @types/pdfkit predates PDF/UA support in pdfkit 0.20.
    subset: 'PDF/UA' as unknown as 'PDF/A-1',
    tagged: true,
    displayTitle: true,
    lang: layout.meta.lang,
    // pdfkit would otherwise build Helvetica for every document, a font that garbles Cyrillic.
    font: null as unknown as string,
    info: ({
      Title: layout.meta.title,
      Author: layout.meta.author,
      Subject: layout.meta.subject,
      Keywords: layout.meta.keywords.join(', '),
      Creator: options.producer,
      Producer: options.producer,
      CreationDate: options.creationDate,
      ModDate: options.creationDate,
      Warnings: String(options.warnings),
    } satisfies DocumentInformation & Record<string, unknown>) as PDFKit.DocumentInfo,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const internals = doc as unknown as PdfkitMetadata;
  internals._addInfo = addInformation;
  if (options.archive) addArchiveIdentification(internals, options.archive.iccProfile);
  for (const variant of VARIANTS) doc.registerFont(variant, fonts.variants[variant].pdfkitFont as string);
  for (const font of fonts.loadedScriptFonts()) doc.registerFont(font.name, font.pdfkitFont as string);

  const structure = new TaggedStructure(doc, layout.structure);
  const pictures = new Pictures(doc);
  for (const [index, page] of layout.pages.entries()) {
    options.deadline?.checkDraw(index, layout.pages.length);
    doc.addPage({ size: [layout.width, layout.height], margin: 0 });
    const colours = new PageColours(doc);
    for (const node of page.nodes) drawNode(doc, node, structure, colours, pictures);
  }
  structure.end();
  doc.end();
  await finished;
  return { pdf: Buffer.concat(chunks), pages: layout.pages.length };
}

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xmpDate = (date: Date): string => `${date.toISOString().split('.')[0] as string}Z`;

/** What drawDocument gives pdfkit as the document information dictionary. */
interface DocumentInformation {
  readonly Title: string;
  readonly Author: string;
  readonly Subject: string;
  readonly Keywords: string;
  readonly Creator: string;
  readonly Producer: string;
  readonly CreationDate: Date;
}

/**
 * In place of pdfkit's _addInfo, which writes the document information into XMP unescaped (a
 * title with "&" breaks the packet) and without xmp:ModifyDate, which PDF/A requires to match
 * ModDate. One function for every document, reading the document's own `info`: with a closure
 * made per document (holding the document), every document's pdfkit objects survived the
 * young-generation collections into the old generation, most likely through V8's feedback at
 * pdfkit's call site, and warm renders spent twice the time in GC (docs/performance.md, "A
 * closure per document").
 */
function addInformation(this: PdfkitMetadata): void {
  this.appendXML(xmpInformation(this.info));
}

/** The XMP twin of the document information dictionary, every entry the same. */
function xmpInformation(info: DocumentInformation): string {
  const date = xmpDate(info.CreationDate);
  const optional = (value: string, xml: string): string => (value === '' ? '' : xml);
  return `
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>${date}</xmp:CreateDate>
<xmp:ModifyDate>${date}</xmp:ModifyDate>
<xmp:CreatorTool>${xmlText(info.Creator)}</xmp:CreatorTool>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlText(info.Title)}</rdf:li></rdf:Alt></dc:title>
${optional(info.Author, `<dc:creator><rdf:Seq><rdf:li>${xmlText(info.Author)}</rdf:li></rdf:Seq></dc:creator>`)}
${optional(info.Subject, `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xmlText(info.Subject)}</rdf:li></rdf:Alt></dc:description>`)}
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>${xmlText(info.Producer)}</pdf:Producer>
${optional(info.Keywords, `<pdf:Keywords>${xmlText(info.Keywords)}</pdf:Keywords>`)}
</rdf:Description>`;
}

/**
 * PDF/A-2 accepts in XMP only the properties of its predefined schemas and of schemas the file
 * describes itself (ISO 19005-2, 6.6.2.3.1); PDF/UA's identification is not among the predefined
 * ones, so its `pdfuaid:part` is described here, in the words of ISO 14289-1's own description.
 */
const PDFUA_EXTENSION_SCHEMA = `
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas>
<rdf:Bag>
<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property>
<rdf:Seq>
<rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li>
</rdf:Seq>
</pdfaSchema:property>
</rdf:li>
</rdf:Bag>
</pdfaExtension:schemas>
</rdf:Description>`;

/**
 * What PDF/A-2b adds to a tagged PDF/UA file: the sRGB output intent every DeviceRGB colour is
 * meant in, the pdfaid identification beside pdfkit's pdfuaid one, and the description of the latter.
 */
function addArchiveIdentification(internals: PdfkitMetadata, iccProfile: Uint8Array): void {
  const profile = internals.ref({ Length: iccProfile.length, N: 3 });
  profile.write(iccProfile);
  profile.end();
  const intent = internals.ref({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    Info: new String('sRGB IEC61966-2.1'),
    OutputConditionIdentifier: new String('sRGB IEC61966-2.1'),
    DestOutputProfile: profile,
  });
  intent.end();
  internals._root.data.OutputIntents = [intent];
  internals.appendXML(`
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>${PDFUA_EXTENSION_SCHEMA}`);
}

function drawNode(doc: Doc, node: LayoutNode, structure: TaggedStructure, colours: PageColours, pictures: Pictures): void {
  switch (node.kind) {
    case 'rect':
      asArtifact(doc, 'Layout', () => {
        colours.fill(node.fill);
        doc.rect(node.x, node.y, node.width, node.height).fill();
      });
      return;
    case 'rule':
      asArtifact(doc, 'Layout', () => {
        colours.stroke(node.color);
        doc.moveTo(node.x1, node.y1).lineTo(node.x2, node.y2).lineWidth(node.thickness).stroke();
      });
      return;
    case 'image':
      if (node.struct === null) {
        // The logo: one image object for the document, shown on every page.
        asArtifact(doc, 'Layout', () => doc.image(pictures.open(node.data), node.x, node.y, { fit: [node.width, node.height], valign: 'center' }));
      } else {
        const element = structure.element(node.struct);
        const content = doc.markStructureContent('Figure');
        doc.image(pictures.open(node.data), node.x, node.y, { width: node.width, height: node.height });
        doc.endMarkedContent();
        element.add(content);
      }
      return;
    case 'vector':
      if (node.struct === null) {
        asArtifact(doc, 'Layout', () => drawVector(doc, node));
      } else {
        const element = structure.element(node.struct);
        const content = doc.markStructureContent('Figure');
        drawVector(doc, node);
        doc.endMarkedContent();
        element.add(content);
      }
      return;
    case 'text':
      for (const run of node.runs) drawRun(doc, run, node.baseline, structure, colours);
      return;
    case 'graphic': {
      const element = structure.element(node.struct);
      const content = doc.markStructureContent('Figure');
      for (const shape of node.shapes) drawShape(doc, shape, node.x, node.y, colours);
      doc.endMarkedContent();
      element.add(content);
      return;
    }
    default: {
      const unknown: never = node;
      throw new Error(`unhandled layout node ${JSON.stringify(unknown)}`);
    }
  }
}

/** Inside its Figure's marked content: the Figure's /Alt speaks for all of it. */
function drawShape(doc: Doc, shape: GraphicShape, x: number, y: number, colours: PageColours): void {
  switch (shape.kind) {
    case 'bar':
      colours.fill(shape.fill);
      doc.rect(x + shape.x, y + shape.y, shape.width, shape.height).fill();
      return;
    case 'line': {
      colours.stroke(shape.color);
      const [first, ...rest] = shape.points;
      if (first === undefined) return;
      doc.moveTo(x + first[0], y + first[1]);
      for (const [pointX, pointY] of rest) doc.lineTo(x + pointX, y + pointY);
      doc.lineWidth(shape.thickness).lineJoin('round').stroke();
      return;
    }
    case 'text':
      for (const run of shape.runs) {
        colours.fill(run.color);
        drawText(doc, run, x + run.x, y + shape.baseline);
      }
      return;
    default: {
      const unknown: never = shape;
      throw new Error(`unhandled shape ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * An SVG fitted into its box as SVG's default (xMidYMid meet) does, clipped to its viewBox. Colours
 * are set inside the saved graphics state, so the page's remembered colours stay true after it.
 */
function drawVector(doc: Doc, node: Extract<LayoutNode, { kind: 'vector' }>): void {
  const [minX, minY, boxWidth, boxHeight] = node.drawing.viewBox;
  const scale = Math.min(node.width / boxWidth, node.height / boxHeight);
  doc.save();
  doc.rect(node.x, node.y, node.width, node.height).clip();
  doc.translate(node.x + (node.width - boxWidth * scale) / 2, node.y + (node.height - boxHeight * scale) / 2).scale(scale).translate(-minX, -minY);
  for (const shape of node.drawing.shapes) {
    doc.save();
    doc.transform(...shape.matrix);
    switch (shape.kind) {
      case 'path': {
        // The state first: PDF allows only path operators between a path's start and its painting.
        if (shape.stroke !== null) {
          doc.lineWidth(shape.strokeWidth);
          strokeWith(doc, shape.stroke);
          // @types/pdfkit knows only dash(length, {space}); pdfkit takes the whole array.
          if (shape.dash !== null) doc.dash([...shape.dash] as unknown as number, {});
          if (shape.cap !== undefined) doc.lineCap(shape.cap);
          if (shape.join !== undefined) doc.lineJoin(shape.join);
        }
        if (shape.fill !== null) fillWith(doc, shape.fill);
        doc.path(shape.d);
        const rule = shape.evenOdd ? 'even-odd' : 'non-zero';
        if (shape.fill !== null && shape.stroke !== null) doc.fillAndStroke(rule);
        else if (shape.fill !== null) doc.fill(rule);
        else doc.stroke();
        break;
      }
      case 'label':
        for (const run of shape.runs) {
          doc
            .fillColor(run.color)
            .font(run.face ?? run.variant)
            .fontSize(run.size)
            .text(run.text, run.x, shape.baseline, { lineBreak: false, baseline: 'alphabetic', textWidth: run.width } as PDFKit.Mixins.TextOptions);
        }
        break;
      default: {
        const unknown: never = shape;
        throw new Error(`unhandled vector shape ${JSON.stringify(unknown)}`);
      }
    }
    doc.restore();
  }
  doc.restore();
}

/** pdfkit writes an ExtGState for every colour given an opacity, even 1: only a translucent paint needs one. */
function fillWith(doc: Doc, paint: VectorPaint): void {
  if (paint.opacity < 1) doc.fillColor(paint.colour, paint.opacity);
  else doc.fillColor(paint.colour);
}

function strokeWith(doc: Doc, paint: VectorPaint): void {
  if (paint.opacity < 1) doc.strokeColor(paint.colour, paint.opacity);
  else doc.strokeColor(paint.colour);
}

function drawRun(doc: Doc, run: PositionedRun, baseline: number, structure: TaggedStructure, colours: PageColours): void {
  const paint = (): void => {
    colours.fill(run.color);
    drawText(doc, run, run.x, baseline);
    if (run.href) {
      const underline = baseline + run.size * 0.12;
      colours.stroke(run.color);
      doc.moveTo(run.x, underline).lineTo(run.x + run.width, underline).lineWidth(0.5).stroke();
    }
  };
  if (run.struct === null) {
    asArtifact(doc, 'Pagination', paint);
    return;
  }
  const element = structure.element(run.struct);
  const content = doc.markStructureContent(structure.typeOf(run.struct));
  paint();
  doc.endMarkedContent();
  element.add(content);
  if (run.href) {
    // structParent (missing from @types/pdfkit) ties the annotation to its Link element.
    doc.link(run.x, baseline - run.size, run.width, run.size * 1.3, asciiUri(run.href), { structParent: element } as object);
  }
}

/** A run's glyphs at `x`, with the text extraction should give back where its glyphs' own would come back wrong. */
function drawText(doc: Doc, run: PositionedRun, x: number, baseline: number): void {
  // The layout measured the run already; passing its width spares pdfkit a second measure.
  const text = (): void => {
    doc
      .font(run.face ?? run.variant)
      .fontSize(run.size)
      .text(run.text, x, baseline, { lineBreak: false, baseline: 'alphabetic', textWidth: run.width } as PDFKit.Mixins.TextOptions);
  };
  if (run.actualText === undefined) text();
  else withActualText(doc, run.face ?? run.variant, run.actualText, text);
}

/**
 * Draws text inside a Span whose ActualText extraction gives back instead of the glyphs' own
 * text. pdfkit wraps each text in q … Q, and poppler places a span's text with the graphics
 * state of its EMC, so the span must close before Q: it is written around the text object, by
 * shadowing pdfkit's addContent for the one text (pdfkit has no public hook inside q … Q;
 * tests/pdfkit-bridge.test.ts pins what this relies on). The Span's own operators pass through
 * the shadow unchanged. poppler also places the span's text from its first glyph drawn, so the
 * font's `layout` is shadowed too, for the one text, to draw the leftmost letter's base before
 * its marks (fonts/harfbuzz.ts, leftmostBaseFirst): the glyphs and their places are the same.
 */
function withActualText(doc: Doc, face: string, actualText: string, text: () => void): void {
  const own = doc as unknown as { addContent(data: string): Doc };
  const write = own.addContent.bind(doc);
  own.addContent = (data: string): Doc => {
    if (data === 'BT') doc.markContent('Span', { actual: actualText });
    write(data);
    if (data === 'ET') doc.endMarkedContent();
    return doc;
  };
  const font = (doc.font(face) as unknown as { _font: PdfkitEmbeddedFont })._font;
  const layout = font.layout.bind(font);
  font.layout = (drawn, features, onlyWidth) => {
    const run = layout(drawn, features, onlyWidth);
    return onlyWidth === true ? run : leftmostBaseFirst(run);
  };
  try {
    text();
  } finally {
    delete (own as Partial<typeof own>).addContent;
    delete (font as Partial<typeof font>).layout;
  }
}

/** pdfkit 0.20's EmbeddedFont, whose `layout` gives `text()` the glyphs it draws, in their order (tests/pdfkit-bridge.test.ts). */
interface PdfkitEmbeddedFont {
  layout(text: string, features?: unknown, onlyWidth?: boolean): GlyphRun;
}

/**
 * A PDF /URI is 7-bit ASCII (PDF 32000 12.6.4.7): pdfkit would write `…/wiki/Київ` as UTF-16, which
 * pdf.js and poppler cannot open. The WHATWG serialisation percent-encodes path, query and
 * fragment as UTF-8 and writes an IDN host in punycode (`münchen.de` → `xn--mnchen-3ya.de`),
 * leaving what is escaped already (`%20`) alone. The markup stage accepted only parsable URLs.
 */
function asciiUri(href: string): string {
  return new URL(href).href;
}

/**
 * pdfkit writes the colour operators every time a colour is set; most runs repeat the colour
 * before them, and those operators were a quarter of the page content (docs/performance.md). Colours
 * persist through pdfkit's save/restore around text and through marked content, and each page
 * starts afresh.
 */
class PageColours {
  private fillColour: string | null = null;
  private strokeColour: string | null = null;

  constructor(private readonly doc: Doc) {}

  fill(colour: string): void {
    if (colour === this.fillColour) return;
    this.doc.fillColor(colour);
    this.fillColour = colour;
  }

  stroke(colour: string): void {
    if (colour === this.strokeColour) return;
    this.doc.strokeColor(colour);
    this.strokeColour = colour;
  }
}

/** Each picture embedded once however often it is drawn, from its bytes as they are (a JPEG is not re-encoded). */
class Pictures {
  private readonly opened = new Map<Uint8Array, OpenedImage>();

  constructor(private readonly doc: Doc) {}

  open(data: Uint8Array): OpenedImage {
    let image = this.opened.get(data);
    if (image === undefined) {
      const opener = this.doc as unknown as { openImage(src: Buffer): OpenedImage };
      image = opener.openImage(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      this.opened.set(data, image);
    }
    return image;
  }
}

function asArtifact(doc: Doc, type: 'Layout' | 'Pagination', paint: () => void): void {
  doc.markContent('Artifact', { type });
  paint();
  doc.endMarkedContent();
}

/** pdfkit structure elements for the layout's tree, each created (and attached) on first use. */
class TaggedStructure {
  private readonly elements = new Map<number, StructElement>();
  private readonly nodes = new Map<number, { node: StructNode; parent: number | null }>();
  private readonly root: StructElement;

  constructor(
    private readonly doc: Doc,
    tree: StructNode,
  ) {
    const index = (node: StructNode, parent: number | null): void => {
      this.nodes.set(node.id, { node, parent });
      for (const child of node.children) index(child, node.id);
    };
    index(tree, null);
    this.root = doc.struct(tree.type);
    doc.addStructure(this.root);
    this.elements.set(tree.id, this.root);
  }

  typeOf(id: number): StructType {
    return this.entry(id).node.type;
  }

  element(id: number): StructElement {
    const existing = this.elements.get(id);
    if (existing) return existing;
    const { node, parent } = this.entry(id);
    const element = this.doc.struct(node.type, { ...(node.alt === undefined ? {} : { alt: node.alt }), ...(node.lang === undefined ? {} : { lang: node.lang }) });
    this.element(parent as number).add(element);
    this.elements.set(id, element);
    return element;
  }

  end(): void {
    this.root.end();
  }

  private entry(id: number): { node: StructNode; parent: number | null } {
    const entry = this.nodes.get(id);
    if (!entry) throw new Error(`layout refers to structure element ${id}, which it does not define`);
    return entry;
  }
}
