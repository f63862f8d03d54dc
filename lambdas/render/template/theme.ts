/**
 * The brand: `theme.yaml` beside the templates, edited by people who do not read code.
 * Every problem in it is reported at once, with its line and column.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { type Problem, TemplateError, templateProblemsError } from '../errors';
import type { Theme } from '../types';

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
  logo: { required: false, description: 'A PNG or JPEG file in the templates folder, drawn in the header band.', example: 'logo.png' },
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

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  signature.every((byte, index) => bytes[index] === byte);

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

async function readLogo(reader: ThemeReader, pair: Pair | undefined, dir: string): Promise<Uint8Array | null> {
  if (pair === undefined || (isScalar(pair.value) && pair.value.value === null)) return null;
  const name = scalarText(reader, pair, 'logo', 'a PNG or JPEG file name, relative to the templates folder');
  if (name === null) return null;
  const where = reader.at(pair.value as Node);
  const path = resolve(dir, name);
  const inside = relative(resolve(dir), path);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    reader.problems.push({ path: 'logo', ...where, message: `"${name}" is outside the templates folder`, expected: 'a file in the templates folder, e.g. logo.png' });
    return null;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    reader.problems.push({ path: 'logo', ...where, message: `cannot read "${name}": ${(error as Error).message}`, expected: 'a PNG or JPEG file in the templates folder' });
    return null;
  }
  if (!startsWith(bytes, PNG_SIGNATURE) && !startsWith(bytes, JPEG_SIGNATURE)) {
    reader.problems.push({ path: 'logo', ...where, message: `"${name}" is neither a PNG nor a JPEG image`, expected: 'a PNG or JPEG file' });
    return null;
  }
  return bytes;
}

function requiredText(reader: ThemeReader, found: Map<string, Pair>, key: string, expected: string, map: YAMLMap): string | null {
  const pair = found.get(key);
  if (pair !== undefined) return scalarText(reader, pair, key, expected);
  reader.problems.push({ path: key, ...reader.at(map), message: 'is missing', expected });
  return null;
}

function readPaper(reader: ThemeReader, pair: Pair | undefined): Theme['paper'] | null {
  if (pair === undefined) return 'A4';
  const text = scalarText(reader, pair, 'paper', papers.join(' or '));
  if (text === null) return null;
  const paper = papers.find((known) => known.toLowerCase() === text.toLowerCase());
  if (paper !== undefined) return paper;
  reader.problems.push({ path: 'paper', ...reader.at(pair.value as Node), message: `"${text}" is not a paper size`, expected: papers.join(' or ') });
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
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const reader: ThemeReader = {
    problems: [],
    at(node) {
      const offset = node?.range?.[0];
      if (offset === undefined) return {};
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    },
  };
  for (const error of document.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    reader.problems.push({ line, column: col, message: `not valid YAML: ${error.message}` });
  }
  const contents = document.contents;
  if (reader.problems.length > 0 || !isMap(contents)) {
    if (reader.problems.length === 0) {
      reader.problems.push({ line: 1, column: 1, message: 'the theme must be a list of settings', expected: settings.join(', ') });
    }
    throw templateProblemsError(file, 'the theme cannot be read', reader.problems);
  }

  const found = entries(reader, contents, '', settings);
  const organisation = requiredText(reader, found, 'organisation', 'the name shown in the header and used as PDF author', contents);
  const paper = readPaper(reader, found.get('paper'));
  const colours = readColours(reader, found.get('colours'), contents);
  const logo = await readLogo(reader, found.get('logo'), dir);
  // Every null above comes with a problem: the theme is used only when there is none.
  if (reader.problems.length > 0 || organisation === null || paper === null || colours === null) {
    throw templateProblemsError(file, 'the theme has mistakes', reader.problems);
  }
  return { organisation, paper, colours, logo };
}
