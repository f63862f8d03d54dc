/**
 * The brand: `theme.yaml` beside the templates, edited by people who do not read code.
 * Every problem in it is reported at once, with its line and column.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isMap, isScalar, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { type Problem, TemplateError, templateProblemsError } from '../errors';
import { TextLocator } from '../locator';
import { type BrandFace, readBrandFace } from '../fonts';
import type { LoadedImage, Theme } from '../types';
import { MAX_MARKS_IN_FURNITURE } from '../validate';

const THEME_FILE = 'theme.yaml';

type ColourKey = keyof Theme['colours'];

/** Where each colour is used; the keys are the complete list a theme must give. */
export const colourUses: Readonly<Record<ColourKey, string>> = {
  primary: 'header band, headings, rules',
  accent: 'kicker, bullets, quote bar, links',
  text: 'body text',
  muted: 'dates, labels, footer',
  highlight: 'background of the summary box and fact cards',
  onPrimary: 'text on the header band',
};
const colourKeys = Object.keys(colourUses) as ColourKey[];

const PAGE_WHITE = '#ffffff';
/** WCAG 2.1 AA for normal-size text. */
const MINIMUM_CONTRAST = 4.5;

/** Every pair of colours the fact sheet puts text on, and where. */
const textOnBackground: readonly { readonly text: ColourKey; readonly on: ColourKey | 'page'; readonly where: string }[] = [
  { text: 'text', on: 'page', where: 'body text' },
  { text: 'text', on: 'highlight', where: 'text in the summary box and fact cards' },
  { text: 'muted', on: 'page', where: 'dates and the footer' },
  { text: 'muted', on: 'highlight', where: 'fact labels' },
  { text: 'accent', on: 'page', where: 'the kicker and links' },
  { text: 'accent', on: 'highlight', where: 'links in the summary box' },
  { text: 'primary', on: 'page', where: 'headings' },
  { text: 'onPrimary', on: 'primary', where: 'text on the header band' },
];

/** The theme's settings, read below and described to editors by schema/theme.schema.json (build/write-schemas.ts). */
export const THEME_SETTINGS = {
  organisation: { required: true, description: 'The name shown in the header and used as PDF author.', example: 'Agence Européenne d’Information' },
  paper: { required: false, description: 'Paper size: A4 (the default) or Letter.', example: 'A4' },
  logo: { required: false, description: 'A PNG, JPEG or SVG file in the templates folder (an SVG is drawn as vectors).', example: 'logo.svg' },
  logoPlacement: { required: false, description: 'Where the logo goes: band (the default: in the header band of every page) or title (above the title, on the first page).', example: 'band' },
  font: {
    required: false,
    description: 'The organisation\'s font for body text and headings: TrueType files (.ttf, or .otf with TrueType outlines) in the templates folder; characters it lacks are set in Noto.',
    example: { regular: 'fonts/Brand-Regular.ttf', bold: 'fonts/Brand-Bold.ttf' },
  },
  archive: { required: false, description: 'none (the default) or PDF/A-2b: every fact sheet is then also a PDF/A-2b file for long-term archiving (sRGB output intent, XMP identification).', example: 'PDF/A-2b' },
  colours: {
    required: true,
    description: 'Every colour of the fact sheet, as "#rrggbb" in quotes; text must keep a contrast of 4.5:1 (WCAG AA) on its background.',
    example: { primary: '#1b2a4a', accent: '#a34400', text: '#1f2328', muted: '#545d6b', highlight: '#eef2f7', onPrimary: '#ffffff' },
  },
} as const satisfies Record<string, { required: boolean; description: string; example: unknown }>;
const settings = Object.keys(THEME_SETTINGS);
export const papers: readonly Theme['paper'][] = ['A4', 'Letter'];
export const COLOUR = /^#[0-9a-f]{6}$/i;
/** `primary: #1b2a4a` without quotes is an empty value followed by a comment. */
const YAML_COMMENT_HINT = 'is empty; in YAML a # starts a comment, so write the colour in quotes: "#1b2a4a"';

export const logoPlacements: readonly Theme['logoPlacement'][] = ['band', 'title'];
export const archives: readonly Theme['archive'][] = ['none', 'PDF/A-2b'];
const LOGO_LIMITS = { maxPngPixels: 4_000_000, maxJpegPixels: 4_000_000 };

function relativeLuminance(colour: string): number {
  const channel = (offset: number): number => {
    const value = Number.parseInt(colour.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio, 1 to 21. */
export function contrastRatio(foreground: string, background: string): number {
  const [first, second] = [relativeLuminance(foreground), relativeLuminance(background)];
  return (Math.max(first, second) + 0.05) / (Math.min(first, second) + 0.05);
}

interface ThemeReader {
  readonly problems: Problem[];
  at(node: Node | null | undefined): { line?: number; column?: number };
}

function scalarText(reader: ThemeReader, pair: Pair, path: string, expected: string, whenEmpty = 'is empty'): string | null {
  const node = pair.value as Node | null;
  const value: unknown = isScalar(node) ? node.value : undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  const empty = value === null || value === undefined || value === '';
  reader.problems.push({ path, ...reader.at(node ?? (pair.key as Node)), message: empty ? whenEmpty : `must be text, got ${JSON.stringify(value)}`, expected });
  return null;
}

/** The map's entries by key; keys that are not in `known` are problems. */
function entries(reader: ThemeReader, map: YAMLMap, path: string, known: readonly string[]): Map<string, Pair> {
  const found = new Map<string, Pair>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : null;
    if (key !== null && known.includes(key)) {
      found.set(key, pair);
      continue;
    }
    reader.problems.push({
      path: path === '' ? String(key) : `${path}.${String(key)}`,
      ...reader.at(pair.key as Node),
      message: 'unknown setting',
      expected: `one of ${known.join(', ')}`,
    });
  }
  return found;
}

function readColours(reader: ThemeReader, pair: Pair | undefined, mapStart: Node): Theme['colours'] | null {
  if (pair === undefined || !isMap(pair.value)) {
    reader.problems.push({
      path: 'colours',
      ...reader.at(pair === undefined ? mapStart : (pair.value as Node)),
      message: pair === undefined ? 'is missing' : 'must be a list of colours, one per line',
      expected: colourKeys.map((key) => `${key}: "#rrggbb" (${colourUses[key]})`).join(', '),
    });
    return null;
  }
  const colourPairs = entries(reader, pair.value, 'colours', colourKeys);
  const colours: Partial<Record<ColourKey, string>> = {};
  for (const key of colourKeys) {
    const colourPair = colourPairs.get(key);
    const path = `colours.${key}`;
    if (colourPair === undefined) {
      reader.problems.push({ path, ...reader.at(pair.key as Node), message: 'is missing', expected: `"#rrggbb" for the ${colourUses[key]}` });
      continue;
    }
    const value = scalarText(reader, colourPair, path, '"#rrggbb", e.g. "#1b2a4a"', YAML_COMMENT_HINT);
    if (value === null) continue;
    if (!COLOUR.test(value)) {
      reader.problems.push({ path, ...reader.at(colourPair.value as Node), message: `"${value}" is not a colour`, expected: '"#rrggbb", e.g. "#1b2a4a"' });
      continue;
    }
    colours[key] = value.toLowerCase();
  }
  if (colourKeys.some((key) => colours[key] === undefined)) return null;
  const complete = colours as Theme['colours'];
  for (const pairing of textOnBackground) {
    const background = pairing.on === 'page' ? PAGE_WHITE : complete[pairing.on];
    const ratio = contrastRatio(complete[pairing.text], background);
    if (ratio < MINIMUM_CONTRAST) {
      const against = pairing.on === 'page' ? 'the white page' : `colours.${pairing.on} ${background}`;
      reader.problems.push({
        path: `colours.${pairing.text}`,
        ...reader.at(colourPairs.get(pairing.text)?.value as Node),
        message: `${complete[pairing.text]} on ${against} (${pairing.where}) has a contrast of ${ratio.toFixed(2)}:1, too low to read comfortably`,
        expected: `at least ${MINIMUM_CONTRAST}:1, WCAG AA`,
      });
    }
  }
  return complete;
}

/** A file the theme names, read from inside the templates folder; null (with a problem) otherwise. */
async function readTemplateFile(reader: ThemeReader, pair: Pair, path: string, dir: string, expected: string): Promise<{ name: string; bytes: Uint8Array } | null> {
  const name = scalarText(reader, pair, path, expected);
  if (name === null) return null;
  const where = reader.at(pair.value as Node);
  const resolved = resolve(dir, name);
  const inside = relative(resolve(dir), resolved);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    reader.problems.push({ path, ...where, message: `"${name}" is outside the templates folder`, expected });
    return null;
  }
  try {
    return { name, bytes: await readFile(resolved) };
  } catch (error) {
    reader.problems.push({ path, ...where, message: `cannot read "${name}": ${(error as Error).message}`, expected });
    return null;
  }
}

async function readLogo(reader: ThemeReader, pair: Pair | undefined, dir: string): Promise<LoadedImage | null> {
  if (pair === undefined || (isScalar(pair.value) && pair.value.value === null)) return null;
  const expected = 'a PNG, JPEG or SVG file in the templates folder, e.g. logo.svg';
  const file = await readTemplateFile(reader, pair, 'logo', dir, expected);
  if (file === null) return null;
  const { name, bytes } = file;
  const where = reader.at(pair.value as Node);
  const refuse = (reason: string): null => {
    reader.problems.push({ path: 'logo', ...where, message: `"${name}" ${reason}`, expected });
    return null;
  };
  if (/\.svg$/i.test(name)) {
    const { readSvg } = await import('../images/svg');
    const reading = readSvg(bytes);
    return reading.kind === 'ok' ? { format: 'svg', width: reading.drawing.width, height: reading.drawing.height, drawing: reading.drawing } : refuse(reading.reason);
  }
  const format = /\.png$/i.test(name) ? 'png' : /\.jpe?g$/i.test(name) ? 'jpeg' : null;
  if (format === null) return refuse('is neither a PNG, a JPEG nor an SVG file (by its extension)');
  // Only a theme with a raster logo pays for the image reader (the default theme has none).
  const { inspectImage } = await import('../images/inspect');
  const inspection = inspectImage(bytes, format, LOGO_LIMITS, name.slice(name.lastIndexOf('.')));
  if (inspection.kind === 'refused') return refuse(inspection.reason);
  return { format, width: inspection.width, height: inspection.height, bytes };
}

const FONT_FACES = ['regular', 'bold'] as const;

async function readFont(reader: ThemeReader, pair: Pair | undefined, dir: string): Promise<Theme['font'] | undefined> {
  if (pair === undefined || (isScalar(pair.value) && pair.value.value === null)) return null;
  const expected = (face: string): string => `a TrueType font file in the templates folder, e.g. fonts/Brand-${face === 'bold' ? 'Bold' : 'Regular'}.ttf`;
  if (!isMap(pair.value)) {
    reader.problems.push({ path: 'font', ...reader.at(pair.value as Node), message: 'must name the font files, one per line', expected: FONT_FACES.map((face) => `${face}: ${expected(face)}`).join(', ') });
    return undefined;
  }
  const facePairs = entries(reader, pair.value, 'font', FONT_FACES);
  const faces: Partial<Record<(typeof FONT_FACES)[number], BrandFace>> = {};
  for (const face of FONT_FACES) {
    const path = `font.${face}`;
    const facePair = facePairs.get(face);
    if (facePair === undefined) {
      reader.problems.push({ path, ...reader.at(pair.key as Node), message: 'is missing', expected: expected(face) });
      continue;
    }
    const file = await readTemplateFile(reader, facePair, path, dir, expected(face));
    if (file === null) continue;
    const reading = readBrandFace(file.bytes);
    switch (reading.kind) {
      case 'face':
        faces[face] = reading.face;
        break;
      case 'refused':
        reader.problems.push({ path, ...reader.at(facePair.value as Node), message: `"${file.name}" ${reading.problem}`, expected: expected(face) });
        break;
      default: {
        const unknown: never = reading;
        throw new Error(`unhandled font reading ${JSON.stringify(unknown)}`);
      }
    }
  }
  return faces.regular !== undefined && faces.bold !== undefined ? { regular: faces.regular, bold: faces.bold } : undefined;
}

function readChoice<T extends string>(reader: ThemeReader, pair: Pair | undefined, key: string, choices: readonly T[], what: string): T | null {
  const fallback = choices[0] as T;
  if (pair === undefined) return fallback;
  const text = scalarText(reader, pair, key, choices.join(' or '));
  if (text === null) return null;
  const found = choices.find((known) => known.toLowerCase() === text.toLowerCase());
  if (found !== undefined) return found;
  reader.problems.push({ path: key, ...reader.at(pair.value as Node), message: `"${text}" is not ${what}`, expected: choices.join(' or ') });
  return null;
}

function requiredText(reader: ThemeReader, found: Map<string, Pair>, key: string, expected: string, map: YAMLMap): string | null {
  const pair = found.get(key);
  if (pair !== undefined) return scalarText(reader, pair, key, expected);
  reader.problems.push({ path: key, ...reader.at(map), message: 'is missing', expected });
  return null;
}

const BAND_MARK_PILE = new RegExp(`\\p{M}{${MAX_MARKS_IN_FURNITURE + 1}}`, 'u');

/**
 * The organisation prints in the header band of every page, one line with room for as many
 * stacked marks as a document's `classification` (validate.ts, MAX_MARKS_IN_FURNITURE): more would
 * draw outside the band. The theme is the operator's, so it is refused rather than trimmed.
 */
function bandText(reader: ThemeReader, pair: Pair | undefined, text: string | null): string | null {
  if (text === null) return null;
  const pile = BAND_MARK_PILE.exec(text);
  if (pile === null) return text;
  const character = Array.from(text.slice(0, pile.index)).length;
  reader.problems.push({
    path: 'organisation',
    ...reader.at((pair?.value as Node | null | undefined) ?? null),
    message: `stacks more than ${MAX_MARKS_IN_FURNITURE} combining marks on one character (character ${character}); it prints in the header band of every page, one line with room for ${MAX_MARKS_IN_FURNITURE}`,
    expected: `at most ${MAX_MARKS_IN_FURNITURE} accents or other combining marks on a letter`,
  });
  return null;
}

/** Reads and checks `theme.yaml` in the templates folder. */
export async function loadTheme(dir: string): Promise<Theme> {
  const file = join(dir, THEME_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TemplateError(file, `cannot read the theme: ${(error as Error).message}`, { cause: error });
  }
  const document = parseDocument(text, { prettyErrors: false });
  const locator = new TextLocator(text);
  const reader: ThemeReader = {
    problems: [],
    at(node) {
      const offset = node?.range?.[0];
      return offset === undefined ? {} : locator.at(offset);
    },
  };
  for (const error of document.errors) {
    reader.problems.push({ ...locator.at(error.pos[0]), message: `not valid YAML: ${error.message}` });
  }
  const contents = document.contents;
  if (reader.problems.length > 0 || !isMap(contents)) {
    if (reader.problems.length === 0) {
      reader.problems.push({ line: 1, column: 1, message: 'the theme must be a list of settings', expected: settings.join(', ') });
    }
    throw templateProblemsError(file, 'the theme cannot be read', reader.problems);
  }

  const found = entries(reader, contents, '', settings);
  const organisation = bandText(reader, found.get('organisation'), requiredText(reader, found, 'organisation', 'the name shown in the header and used as PDF author', contents));
  const paper = readChoice(reader, found.get('paper'), 'paper', papers, 'a paper size');
  const colours = readColours(reader, found.get('colours'), contents);
  const logo = await readLogo(reader, found.get('logo'), dir);
  const logoPlacement = readChoice(reader, found.get('logoPlacement'), 'logoPlacement', logoPlacements, 'a place for the logo');
  const archive = readChoice(reader, found.get('archive'), 'archive', archives, 'an archive format the publisher writes');
  const font = await readFont(reader, found.get('font'), dir);
  // Every null (undefined for the font) above comes with a problem: the theme is used only when there is none.
  if (reader.problems.length > 0 || organisation === null || paper === null || colours === null || logoPlacement === null || archive === null || font === undefined) {
    throw templateProblemsError(file, 'the theme has mistakes', reader.problems);
  }
  return { organisation, paper, colours, logo, logoPlacement, archive, font };
}
