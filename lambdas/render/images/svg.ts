/**
 * SVG maps, diagrams and logos read into plain vector data (paths and text with their
 * transforms), drawn as vectors by the draw stage. A deliberate subset of SVG, read with the XML
 * parser the markup stage already loads; everything outside it is refused with its name, so a
 * hostile file (scripts, outside references, entity expansion, millions of elements) never gets
 * past this module (docs/content-format.md, "SVG", and why not svg-to-pdfkit). Imported only
 * by documents and themes that have an SVG.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Matrix, VectorDrawing, VectorItem } from '../types';

export interface SvgLimits {
  /** Elements of all kinds; a map of a country is a few thousand. */
  readonly maxElements: number;
  /** Nesting of groups. */
  readonly maxDepth: number;
  /** Numbers in all path data together: what the draw stage writes and a reader must fill. */
  readonly maxPathNumbers: number;
}

export const SVG_LIMITS: SvgLimits = { maxElements: 20_000, maxDepth: 64, maxPathNumbers: 1_000_000 };

export type SvgReading = { readonly kind: 'ok'; readonly drawing: VectorDrawing } | { readonly kind: 'refused'; readonly reason: string };

/** Read but not drawn: what they hold is for people and tools. */
const IGNORED = new Set(['title', 'desc', 'metadata']);
const SHAPES = new Set(['path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon']);
const CONTAINERS = new Set(['svg', 'g']);
/** Refused with a word of why, rather than as unknown. */
const DANGEROUS: Readonly<Record<string, string>> = {
  script: 'holds a script',
  foreignObject: 'holds a foreignObject (HTML inside SVG)',
  image: 'holds an <image>: a picture inside an SVG is not drawn; give it as a picture of its own',
  style: 'holds a <style> sheet: write the colours as attributes (fill="#1b2a4a") or in style="…" on each element',
};
const INHERITED = ['fill', 'stroke', 'stroke-width', 'fill-rule', 'fill-opacity', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin', 'font-size', 'font-weight', 'text-anchor', 'direction'] as const;
type Inherited = Partial<Record<(typeof INHERITED)[number], string>>;

/** The sixteen HTML colours, and what SVG exporters most often write. */
const NAMED_COLOURS: Readonly<Record<string, string>> = {
  black: '#000000', silver: '#c0c0c0', gray: '#808080', grey: '#808080', white: '#ffffff', maroon: '#800000', red: '#ff0000',
  purple: '#800080', fuchsia: '#ff00ff', green: '#008000', lime: '#00ff00', olive: '#808000', yellow: '#ffff00',
  navy: '#000080', blue: '#0000ff', teal: '#008080', aqua: '#00ffff', orange: '#ffa500',
};
const PATH_DATA = /^[MmZzLlHhVvCcSsQqTtAa0-9eE+\-.,\s]*$/;
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g;
/** CSS pixels to points. */
const UNIT_TO_PX: Readonly<Record<string, number>> = { '': 1, px: 1, pt: 4 / 3, pc: 16, mm: 96 / 25.4, cm: 96 / 2.54, in: 96 };

class Refusal extends Error {}

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

export function readSvg(bytes: Uint8Array, limits: SvgLimits = SVG_LIMITS): SvgReading {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'refused', reason: 'is not UTF-8 text, as an SVG file must be' };
  }
  try {
    return { kind: 'ok', drawing: new SvgReader(limits).read(text) };
  } catch (error) {
    if (error instanceof Refusal) return { kind: 'refused', reason: error.message };
    throw error;
  }
}

interface Frame {
  readonly name: string;
  readonly matrix: Matrix;
  readonly inherited: Inherited;
  /** Inside <title>, <desc>, <metadata>, <defs> or <text>: children are not drawn as shapes. */
  readonly skip: boolean;
}

class SvgReader {
  private readonly items: VectorItem[] = [];
  private readonly stack: Frame[] = [];
  private elements = 0;
  private pathNumbers = 0;
  private root: { width: number; height: number; viewBox: readonly [number, number, number, number] } | null = null;
  private text: { x: number; y: number; frame: Frame; content: string } | null = null;

  constructor(private readonly limits: SvgLimits) {}

  read(source: string): VectorDrawing {
    // saxes knows only XML's five entities and refuses any other: no "billion laughs".
    if (/<!DOCTYPE/i.test(source)) throw new Refusal('has a DOCTYPE: entity declarations are refused in SVG files');
    const parser = new SaxesParser({ xmlns: false, position: false });
    parser.on('error', (error) => {
      throw new Refusal(`is not well-formed XML: ${error.message}`);
    });
    parser.on('opentag', (tag) => this.open(tag));
    parser.on('closetag', () => this.close());
    parser.on('text', (chunk) => {
      if (this.text !== null) this.text.content += chunk;
    });
    parser.write(source).close();
    if (this.root === null) throw new Refusal('has no <svg> element');
    return { ...this.root, items: this.items };
  }

  private open(tag: SaxesTagPlain): void {
    const name = tag.name.replace(/^svg:/, '');
    const attributes = tag.attributes;
    if (++this.elements > this.limits.maxElements) throw new Refusal(`has more than ${this.limits.maxElements} elements`);
    if (this.stack.length >= this.limits.maxDepth) throw new Refusal(`nests elements more than ${this.limits.maxDepth} deep`);
    const danger = DANGEROUS[name];
    if (danger !== undefined) throw new Refusal(danger);
    for (const [attribute, value] of Object.entries(attributes)) {
      if (/^on/i.test(attribute)) throw new Refusal(`holds a script (the ${attribute} attribute of <${name}>)`);
      if (/(^|:)href$/.test(attribute)) throw new Refusal(`refers to another resource (${attribute}="${value.slice(0, 80)}" on <${name}>); the publisher fetches nothing and draws only what the file holds`);
      if (/url\s*\(/i.test(value) && attribute !== 'xmlns') throw new Refusal(`refers to a gradient, pattern or other resource (${attribute}="${value.slice(0, 80)}" on <${name}>), which the publisher does not draw`);
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      if (name !== 'svg') throw new Refusal(`starts with <${name}>, not <svg>`);
      this.root = rootSize(attributes);
    }
    const skip = (parent?.skip ?? false) || IGNORED.has(name) || name === 'defs';
    if (!skip && !CONTAINERS.has(name) && !SHAPES.has(name) && name !== 'text' && name !== 'tspan' && name !== 'defs') {
      throw new Refusal(`uses <${name}>, which the publisher does not draw (it draws svg, g, path, rect, circle, ellipse, line, polyline, polygon and text)`);
    }
    if (name === 'tspan' && this.text === null) throw new Refusal('has a <tspan> outside <text>');
    const style = { ...presentation(attributes) };
    const inherited: Inherited = { ...(parent?.inherited ?? {}) };
    for (const key of INHERITED) if (style[key] !== undefined) inherited[key] = style[key];
    const transform = attributes.transform === undefined ? IDENTITY : parseTransform(attributes.transform);
    const frame: Frame = { name, matrix: multiply(parent?.matrix ?? IDENTITY, transform), inherited, skip: skip || name === 'text' || name === 'tspan' };
    this.stack.push(frame);
    if (skip) return;
    if (name === 'text') {
      this.text = { x: length(attributes.x, 'x'), y: length(attributes.y, 'y'), frame, content: '' };
    } else if (SHAPES.has(name)) {
      const d = shapePath(name, attributes);
      this.pathNumbers += d.match(NUMBER)?.length ?? 0;
      if (this.pathNumbers > this.limits.maxPathNumbers) throw new Refusal(`has more than ${this.limits.maxPathNumbers} coordinates in its shapes`);
      const fill = name === 'line' || name === 'polyline' ? paint(inherited.fill ?? 'none', 'fill') : paint(inherited.fill ?? 'black', 'fill');
      const stroke = paint(inherited.stroke ?? 'none', 'stroke');
      if (d.trim() !== '' && (fill !== null || stroke !== null)) {
        this.items.push({
          kind: 'path',
          d,
          matrix: frame.matrix,
          fill: fill === null ? null : { ...fill, opacity: opacity(inherited['fill-opacity'], style.opacity) },
          stroke: stroke === null ? null : { ...stroke, opacity: opacity(inherited['stroke-opacity'], style.opacity) },
          strokeWidth: length(inherited['stroke-width'] ?? '1', 'stroke-width'),
          evenOdd: inherited['fill-rule'] === 'evenodd',
          dash: dashes(inherited['stroke-dasharray']),
          cap: choice(inherited['stroke-linecap'], ['butt', 'round', 'square'] as const, 'stroke-linecap'),
          join: choice(inherited['stroke-linejoin'], ['miter', 'round', 'bevel'] as const, 'stroke-linejoin'),
        });
      }
    }
  }

  private close(): void {
    const frame = this.stack.pop();
    if (frame?.name !== 'text' || this.text === null) return;
    const { x, y, content } = this.text;
    this.text = null;
    const words = content.replace(/\s+/g, ' ').trim();
    if (words === '') return;
    const fill = paint(frame.inherited.fill ?? 'black', 'fill');
    if (fill === null) return;
    this.items.push({
      kind: 'text',
      text: words,
      x,
      y,
      matrix: frame.matrix,
      size: length(frame.inherited['font-size'] ?? '16', 'font-size'),
      bold: /^(bold|bolder|[6-9]00)$/.test(frame.inherited['font-weight'] ?? ''),
      colour: fill.colour,
      anchor: choice(frame.inherited['text-anchor'], ['start', 'middle', 'end'] as const, 'text-anchor'),
      direction: choice(frame.inherited.direction, ['ltr', 'rtl'] as const, 'direction'),
    });
  }
}

/** Attributes and `style="…"` declarations (which win), by property name. */
function presentation(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const style: Record<string, string> = {};
  for (const key of [...INHERITED, 'opacity']) if (attributes[key] !== undefined) style[key] = attributes[key];
  for (const declaration of (attributes.style ?? '').split(';')) {
    const colon = declaration.indexOf(':');
    if (colon > 0) style[declaration.slice(0, colon).trim()] = declaration.slice(colon + 1).trim();
  }
  return style;
}

function rootSize(attributes: Readonly<Record<string, string>>): { width: number; height: number; viewBox: readonly [number, number, number, number] } {
  const box = attributes.viewBox?.trim().split(/[\s,]+/).map(Number);
  const viewBox = box !== undefined && box.length === 4 && box.every(Number.isFinite) ? (box as [number, number, number, number]) : null;
  const size = (value: string | undefined): number | null => (value === undefined || value.endsWith('%') ? null : length(value, 'width or height'));
  const width = size(attributes.width) ?? viewBox?.[2] ?? null;
  const height = size(attributes.height) ?? viewBox?.[3] ?? null;
  if (width === null || height === null || !(width > 0) || !(height > 0)) {
    throw new Refusal('gives no size: its <svg> needs a viewBox, or a width and a height');
  }
  const chosen = viewBox ?? [0, 0, width, height];
  if (!(chosen[2] > 0) || !(chosen[3] > 0)) throw new Refusal('has an empty viewBox');
  return { width, height, viewBox: chosen };
}

/** A length in CSS pixels (user units); percentages are refused. */
function length(value: string | undefined, what: string): number {
  if (value === undefined) return 0;
  const match = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in)?\s*$/.exec(value);
  if (match === null) throw new Refusal(`has ${what}="${value.slice(0, 40)}", not a length the publisher reads (a number, px, pt, mm, cm or in)`);
  return Number(match[1]) * (UNIT_TO_PX[match[2] ?? ''] as number);
}

function paint(value: string, what: string): { readonly colour: string } | null {
  const colour = value.trim().toLowerCase();
  if (colour === 'none' || colour === 'transparent') return null;
  const named = NAMED_COLOURS[colour];
  if (named !== undefined) return { colour: named };
  if (/^#[0-9a-f]{6}$/.test(colour)) return { colour };
  if (/^#[0-9a-f]{3}$/.test(colour)) return { colour: `#${[...colour.slice(1)].map((digit) => digit + digit).join('')}` };
  const rgb = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/.exec(colour);
  if (rgb !== null) return { colour: `#${rgb.slice(1).map((channel) => Math.min(255, Number(channel)).toString(16).padStart(2, '0')).join('')}` };
  throw new Refusal(`has ${what}="${value.slice(0, 40)}", not a colour the publisher reads (#rrggbb, #rgb, rgb(r, g, b), none or a basic colour name)`);
}

function opacity(own: string | undefined, group: string | undefined): number {
  const read = (value: string | undefined): number => {
    if (value === undefined) return 1;
    const number = Number(value);
    if (!Number.isFinite(number)) throw new Refusal(`has an opacity of "${value.slice(0, 40)}", not a number from 0 to 1`);
    return Math.max(0, Math.min(1, number));
  };
  return read(own) * read(group);
}

function dashes(value: string | undefined): readonly number[] | null {
  if (value === undefined || value.trim() === 'none') return null;
  const lengths = value.trim().split(/[\s,]+/).map((part) => length(part, 'stroke-dasharray'));
  // PDF takes only positive dash lengths; an SVG's zero-length dashes (dots with round caps) draw solid.
  return lengths.every((dash) => dash > 0) ? lengths : null;
}

function choice<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((option) => option === value.trim());
  if (found === undefined) throw new Refusal(`has ${what}="${value.slice(0, 40)}"; expected one of ${allowed.join(', ')}`);
  return found;
}

/** Every shape as SVG path data, which the draw stage hands to pdfkit's path parser. */
function shapePath(name: string, attributes: Readonly<Record<string, string>>): string {
  const number = (key: string): number => length(attributes[key], key);
  switch (name) {
    case 'path': {
      const d = attributes.d ?? '';
      if (!PATH_DATA.test(d)) throw new Refusal(`has path data that is not SVG path data (d="${d.slice(0, 40)}…")`);
      return d;
    }
    case 'rect': {
      const [x, y, width, height] = [number('x'), number('y'), number('width'), number('height')];
      return width > 0 && height > 0 ? `M${x} ${y}H${x + width}V${y + height}H${x}Z` : '';
    }
    case 'circle':
    case 'ellipse': {
      const [cx, cy] = [number('cx'), number('cy')];
      const rx = name === 'circle' ? number('r') : number('rx');
      const ry = name === 'circle' ? rx : number('ry');
      return rx > 0 && ry > 0 ? `M${cx - rx} ${cy}A${rx} ${ry} 0 1 0 ${cx + rx} ${cy}A${rx} ${ry} 0 1 0 ${cx - rx} ${cy}Z` : '';
    }
    case 'line':
      return `M${number('x1')} ${number('y1')}L${number('x2')} ${number('y2')}`;
    case 'polyline':
    case 'polygon': {
      const points = (attributes.points ?? '').match(NUMBER) ?? [];
      if (points.length < 4) return '';
      const pairs: string[] = [];
      for (let index = 0; index + 1 < points.length; index += 2) pairs.push(`${points[index]} ${points[index + 1]}`);
      return `M${pairs.join('L')}${name === 'polygon' ? 'Z' : ''}`;
    }
    default:
      throw new Refusal(`uses <${name}>, which the publisher does not draw`);
  }
}

/** `a` then `b`, as SVG nests transforms. */
function multiply(a: Matrix, b: Matrix): Matrix {
  return [
    a[0] * b[0] + a[2] * b[1],
    a[1] * b[0] + a[3] * b[1],
    a[0] * b[2] + a[2] * b[3],
    a[1] * b[2] + a[3] * b[3],
    a[0] * b[4] + a[2] * b[5] + a[4],
    a[1] * b[4] + a[3] * b[5] + a[5],
  ];
}

function parseTransform(value: string): Matrix {
  let matrix = IDENTITY;
  const list = /\s*(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)\s*,?/gy;
  let consumed = 0;
  for (let match = list.exec(value); match !== null; match = list.exec(value)) {
    consumed = list.lastIndex;
    const args = (match[2] ?? '').match(NUMBER)?.map(Number) ?? [];
    const [a = 0, b, c, d, e, f] = args;
    const radians = (degrees: number): number => (degrees * Math.PI) / 180;
    let step: Matrix;
    switch (match[1]) {
      case 'matrix':
        if (args.length !== 6) throw new Refusal(`has transform="${value.slice(0, 60)}": matrix() takes six numbers`);
        step = [a, b as number, c as number, d as number, e as number, f as number];
        break;
      case 'translate':
        step = [1, 0, 0, 1, a, b ?? 0];
        break;
      case 'scale':
        step = [a, 0, 0, b ?? a, 0, 0];
        break;
      case 'rotate': {
        const [cos, sin] = [Math.cos(radians(a)), Math.sin(radians(a))];
        const [cx, cy] = [b ?? 0, c ?? 0];
        step = multiply(multiply([1, 0, 0, 1, cx, cy], [cos, sin, -sin, cos, 0, 0]), [1, 0, 0, 1, -cx, -cy]);
        break;
      }
      case 'skewX':
        step = [1, 0, Math.tan(radians(a)), 1, 0, 0];
        break;
      case 'skewY':
        step = [1, Math.tan(radians(a)), 0, 1, 0, 0];
        break;
      case undefined:
      default:
        throw new Refusal(`has transform="${value.slice(0, 60)}", which the publisher cannot read`);
    }
    matrix = multiply(matrix, step);
  }
  if (value.slice(consumed).trim() !== '') throw new Refusal(`has transform="${value.slice(0, 60)}", which the publisher cannot read`);
  if (!matrix.every(Number.isFinite)) throw new Refusal(`has transform="${value.slice(0, 60)}", which is not finite`);
  return matrix;
}
