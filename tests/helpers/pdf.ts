/** Reads a PDF back the way a reader's software does: text, pages, metadata, fonts, tags. */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfReading {
  readonly pages: number;
  /** Text of each page, items joined by spaces and white space folded; artifacts left out. */
  readonly pageTexts: readonly string[];
  /** Text of the page furniture (header, footer: content marked as artifacts) of each page. */
  readonly furnitureTexts: readonly string[];
  /** All pages' text as a reader's assistive technology reads it: content only, in order. */
  readonly text: string;
  readonly info: Record<string, unknown>;
  readonly lang: string | null;
  readonly fontNames: readonly string[];
  /** True when every font is embedded and subset (a `ABCDEF+` name prefix and a FontFile). */
  readonly fontsEmbeddedAndSubset: boolean;
  readonly tagged: boolean;
  /** Structure element roles found in the structure tree of any page. */
  readonly structureRoles: ReadonlySet<string>;
  readonly links: readonly string[];
}

export async function readPdf(bytes: Uint8Array): Promise<PdfReading> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  try {
    const pageTexts: string[] = [];
    const furnitureTexts: string[] = [];
    const links: string[] = [];
    const structureRoles = new Set<string>();
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent({ includeMarkedContent: true });
      const items = content.items as { str?: string; type?: string; tag?: string }[];
      const [text, furniture] = splitArtifacts(items);
      pageTexts.push(text);
      furnitureTexts.push(furniture);
      for (const annotation of (await page.getAnnotations()) as { url?: string }[]) if (annotation.url) links.push(annotation.url);
      collectRoles(await page.getStructTree(), structureRoles);
    }
    const info = (await doc.getMetadata()).info as unknown as Record<string, unknown>;
    const markInfo = (await doc.getMarkInfo()) as { Marked?: boolean } | null;
    const raw = Buffer.from(bytes).toString('latin1');
    const fontNames = [...new Set([...raw.matchAll(/\/BaseFont \/([A-Za-z0-9+_-]+)/g)].map((match) => match[1] as string))];
    const descriptors = [...raw.matchAll(/\/Type \/FontDescriptor[\s\S]*?>>/g)].map((match) => match[0]);
    return {
      pages: doc.numPages,
      pageTexts,
      furnitureTexts,
      text: pageTexts.join(' '),
      info,
      lang: /\/Lang \(([^)]*)\)/.exec(raw)?.[1] ?? null,
      fontNames,
      fontsEmbeddedAndSubset:
        fontNames.length > 0 &&
        fontNames.every((name) => /^[A-Z]{6}\+/.test(name)) &&
        descriptors.length > 0 &&
        descriptors.every((descriptor) => /\/FontFile[23]? /.test(descriptor)),
      tagged: markInfo?.Marked === true && raw.includes('/StructTreeRoot'),
      structureRoles,
      links,
    };
  } finally {
    await doc.destroy();
  }
}

/** White space folded to single spaces: line breaks in the PDF are not the author's. */
export function fold(text: string): string {
  return text.replace(/[\s\u00A0\u202F]+/g, ' ').trim();
}

function splitArtifacts(items: readonly { str?: string; type?: string; tag?: string }[]): [string, string] {
  const content: string[] = [];
  const artifacts: string[] = [];
  const open: boolean[] = [];
  for (const item of items) {
    if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') open.push(item.tag === 'Artifact');
    else if (item.type === 'endMarkedContent') open.pop();
    else if (item.str !== undefined) (open.includes(true) ? artifacts : content).push(item.str);
  }
  return [fold(content.join(' ')), fold(artifacts.join(' '))];
}

function collectRoles(node: unknown, roles: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  const { role, children } = node as { role?: string; children?: unknown[] };
  if (role) roles.add(role);
  for (const child of children ?? []) collectRoles(child, roles);
}

/**
 * The text of page `number` as pdf.js reads it from each text-showing operation, each piece with
 * the name of the font that draws it (subset prefix dropped: `NotoSansJP-Regular`).
 */
export async function textWithFonts(bytes: Uint8Array, number = 1): Promise<{ readonly text: string; readonly font: string }[]> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  try {
    const page = await doc.getPage(number);
    // The fonts' objects, with their names, exist once the page's operators have been read.
    await page.getOperatorList();
    const content = await page.getTextContent();
    return (content.items as { str?: string; fontName?: string }[]).flatMap((item) =>
      item.str === undefined || item.str === '' || item.fontName === undefined
        ? []
        : [{ text: item.str, font: ((page.commonObjs.get(item.fontName) as { name: string }).name).replace(/^[A-Z]{6}\+/, '') }],
    );
  } finally {
    await doc.destroy();
  }
}
