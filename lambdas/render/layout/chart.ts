/**
 * A chart as shapes: bars or lines over a value axis whose numbers are written the document's
 * way (Intl.NumberFormat), in the theme's colours. Its labels, legend and axis numbers are set by
 * the TextSetter like any text (script fonts, shaping, bidi, "�" and the warning for what no font
 * has) and placed by their measured width. On a right-to-left sheet the chart is mirrored whole,
 * as a right-to-left spreadsheet draws it. Plain data; draw.ts paints it.
 */
import type { Punctuation } from '../template/i18n';
import type { Chart, DrawnChart } from '../types';
import type { SetLine, TextSetter } from './text';
import type { GraphicShape } from './types';

export interface ChartColours {
  /** One a series, in order; repeated when there are more series. */
  readonly series: readonly string[];
  readonly axis: string;
  readonly grid: string;
  readonly text: string;
}

export interface ChartDrawing {
  readonly height: number;
  readonly shapes: readonly GraphicShape[];
}

const PLOT_HEIGHT = 150;
const LABEL_SIZE = 7.5;
const LABEL_ROW = 14;
const LEGEND_ROW = 16;
const AXIS_GAP = 5;

/** How every number of a chart (axis, table, `/Alt`) is written in `lang`. */
export function chartNumbers(lang: string): Intl.NumberFormat {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
}

/**
 * The characters a chart adds to its markup's text, for the fonts to load: the language's digits,
 * minus sign and separators (Persian ۱۲۳ in a document otherwise Latin), and the caption's
 * parentheses (Chinese "（）").
 */
export function chartCharacters(numbers: Intl.NumberFormat, punctuation: Punctuation): string {
  return `${numbers.format(-1234567890.25)}${punctuation.openParenthesis}${punctuation.closeParenthesis}`;
}

/** The title with its unit in the language's parentheses: "Arrivals (thousands)", "防衛費の推移（兆円）". */
export function chartCaption(chart: Chart, punctuation: Punctuation): string {
  return `${chart.title}${punctuation.openParenthesis}${chart.unit}${punctuation.closeParenthesis}`;
}

/** Every value of the chart in words, for its `/Alt`: no value is only in the picture. */
export function chartAlt(chart: Chart, numbers: Intl.NumberFormat, punctuation: Punctuation): string {
  const series = chart.series.map(
    (entry) => `${entry.name}: ${entry.values.map((value, index) => `${chart.labels[index] ?? ''} ${numbers.format(value)}`).join(', ')}`,
  );
  return `${chartCaption(chart, punctuation)}. ${series.join('; ')}.`;
}

export function drawChart(chart: DrawnChart, width: number, numbers: Intl.NumberFormat, colours: ChartColours, setter: TextSetter): ChartDrawing {
  const values = chart.series.flatMap((entry) => entry.values);
  const axis = niceAxis(Math.min(0, ...values), Math.max(0, ...values));
  // One line each, cut with "…" to its room (Infinity: never), in the document's direction.
  const line = (content: string, room: number): SetLine =>
    setter.furnitureLine(setter.fitLine(content, 'regular', LABEL_SIZE, room), 'regular', LABEL_SIZE, colours.text);
  const tickLines = axis.ticks.map((tick) => line(numbers.format(tick), Infinity));
  const gutter = Math.max(...tickLines.map((tickLine) => tickLine.width)) + AXIS_GAP;
  const left = gutter;
  const plotWidth = width - left;
  const slot = plotWidth / chart.labels.length;
  const labelLines = chart.labels.map((label) => line(label, slot - 2));
  const names = chart.series.length > 1 ? chart.series.map((entry) => line(entry.name, plotWidth / chart.series.length - 14)) : [];
  // Labels and legend are one line each, on a baseline of their own: the marks stacked on their
  // letters (stacked marks) get room, so that their ink stays off the plot and inside the figure.
  const legend = labelRoom(names, setter);
  const labels = labelRoom(labelLines, setter);
  const top = chart.series.length > 1 ? LEGEND_ROW + legend.above + legend.below : 4;
  const y = (value: number): number => top + PLOT_HEIGHT - ((value - axis.min) / (axis.max - axis.min)) * PLOT_HEIGHT;
  const shapes: GraphicShape[] = [];
  const text = (set: SetLine, x: number, baseline: number): void => {
    shapes.push({ kind: 'text', baseline, runs: set.runs.map((run) => ({ ...run, x: run.x + x })) });
  };

  axis.ticks.forEach((tick, index) => {
    const tickY = y(tick);
    shapes.push({ kind: 'line', points: [[left, tickY], [width, tickY]], color: tick === 0 ? colours.axis : colours.grid, thickness: tick === 0 ? 0.8 : 0.4 });
    const tickLine = tickLines[index] as SetLine;
    text(tickLine, gutter - AXIS_GAP - tickLine.width, tickY + LABEL_SIZE * 0.35);
  });

  labelLines.forEach((labelLine, index) => {
    text(labelLine, left + slot * index + (slot - labelLine.width) / 2, top + PLOT_HEIGHT + LABEL_ROW - 3 + labels.above);
  });

  const colourOf = (index: number): string => colours.series[index % colours.series.length] as string;
  switch (chart.type) {
    case 'bar': {
      const barWidth = (slot * 0.72) / chart.series.length;
      chart.series.forEach((entry, seriesIndex) =>
        entry.values.forEach((value, index) => {
          const x = left + slot * index + slot * 0.14 + barWidth * seriesIndex;
          const [from, to] = [y(Math.max(0, value)), y(Math.min(0, value))];
          shapes.push({ kind: 'bar', x, y: from, width: barWidth, height: to - from, fill: colourOf(seriesIndex) });
        }),
      );
      break;
    }
    case 'line':
      chart.series.forEach((entry, seriesIndex) => {
        const points = entry.values.map((value, index): [number, number] => [left + slot * index + slot / 2, y(value)]);
        shapes.push({ kind: 'line', points, color: colourOf(seriesIndex), thickness: 1.6 });
        for (const [x, pointY] of points) shapes.push({ kind: 'bar', x: x - 1.8, y: pointY - 1.8, width: 3.6, height: 3.6, fill: colourOf(seriesIndex) });
      });
      break;
    default: {
      const unknown: never = chart.type;
      throw new Error(`unhandled chart type ${JSON.stringify(unknown)}`);
    }
  }

  if (chart.series.length > 1) {
    let x = left;
    names.forEach((name, seriesIndex) => {
      shapes.push({ kind: 'bar', x, y: 3 + legend.above, width: 8, height: 8, fill: colourOf(seriesIndex) });
      text(name, x + 11, 10 + legend.above);
      x += 14 + name.width + 10;
    });
  }
  // Laid out left to right, then mirrored across the figure on a right-to-left sheet, as Excel and
  // Google Sheets draw a right-to-left sheet's chart: the first category at the right, the axis
  // and its numbers on the right, the legend from the right with each swatch right of its name.
  const height = top + PLOT_HEIGHT + LABEL_ROW + labels.above + labels.below;
  return { height, shapes: setter.direction === 'rtl' ? shapes.map((shape) => mirrored(shape, width)) : shapes };
}

/** A shape moved to the other side of a figure `width` wide; a text keeps its runs in their order (its letters do not mirror). */
function mirrored(shape: GraphicShape, width: number): GraphicShape {
  switch (shape.kind) {
    case 'bar':
      return { ...shape, x: width - shape.x - shape.width };
    case 'line':
      return { ...shape, points: shape.points.map(([x, y]) => [width - x, y] as const) };
    case 'text': {
      const start = Math.min(...shape.runs.map((run) => run.x));
      const end = Math.max(...shape.runs.map((run) => run.x + run.width));
      const shift = width - end - start;
      return { ...shape, runs: shape.runs.map((run) => ({ ...run, x: run.x + shift })) };
    }
    default: {
      const unknown: never = shape;
      throw new Error(`unhandled chart shape ${JSON.stringify(unknown)}`);
    }
  }
}

const NO_ROOM = { above: 0, below: 0 } as const;

/** The room a row of labels (set, so measured already) needs past their fonts' ascent and descent; none for ordinary text (one pattern test each). */
function labelRoom(lines: readonly SetLine[], setter: TextSetter): { readonly above: number; readonly below: number } {
  if (lines.length === 0) return NO_ROOM;
  return setter.inkRoom(lines.flatMap((set) => set.runs)) ?? NO_ROOM;
}

/** An axis from at most `min` to at least `max` in steps of 1, 2 or 5 times a power of ten. */
function niceAxis(min: number, max: number): { min: number; max: number; ticks: number[] } {
  if (min === max) return { min, max: min + 1, ticks: [min, min + 1] };
  const rough = (max - min) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  // Rounded to the step's precision, so that 0.1 + 0.2 prints as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let tick = low; tick <= high + step / 2; tick += step) ticks.push(Number(tick.toFixed(decimals)));
  return { min: low, max: high, ticks };
}
