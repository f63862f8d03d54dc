/**
 * A chart as shapes: bars or lines over a value axis whose numbers are written the document's
 * way (Intl.NumberFormat), in the theme's colours. Plain data; draw.ts paints it.
 */
import type { Chart, DrawnChart } from '../types';
import type { TextSetter } from './text';
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

/** Every value of the chart in words, for its `/Alt`: no value is only in the picture. */
export function chartAlt(chart: Chart, numbers: Intl.NumberFormat): string {
  const series = chart.series.map(
    (entry) => `${entry.name}: ${entry.values.map((value, index) => `${chart.labels[index] ?? ''} ${numbers.format(value)}`).join(', ')}`,
  );
  return `${chart.title} (${chart.unit}). ${series.join('; ')}.`;
}

export function drawChart(chart: DrawnChart, width: number, numbers: Intl.NumberFormat, colours: ChartColours, setter: TextSetter): ChartDrawing {
  const values = chart.series.flatMap((entry) => entry.values);
  const axis = niceAxis(Math.min(0, ...values), Math.max(0, ...values));
  const tickTexts = axis.ticks.map((tick) => numbers.format(tick));
  const gutter = Math.max(...tickTexts.map((text) => setter.widthOf(text, 'regular', LABEL_SIZE))) + AXIS_GAP;
  const left = gutter;
  const plotWidth = width - left;
  const slot = plotWidth / chart.labels.length;
  const fittedLabels = chart.labels.map((label) => setter.fitLine(label, 'regular', LABEL_SIZE, slot - 2));
  const names = chart.series.length > 1 ? chart.series.map((entry) => setter.fitLine(entry.name, 'regular', LABEL_SIZE, plotWidth / chart.series.length - 14)) : [];
  // Labels and legend are one line each, on a baseline of their own: the marks stacked on their
  // letters (stacked marks) get room, so that their ink stays off the plot and inside the figure.
  const legend = labelRoom(names, setter);
  const labels = labelRoom(fittedLabels, setter);
  const top = chart.series.length > 1 ? LEGEND_ROW + legend.above + legend.below : 4;
  const y = (value: number): number => top + PLOT_HEIGHT - ((value - axis.min) / (axis.max - axis.min)) * PLOT_HEIGHT;
  const shapes: GraphicShape[] = [];
  const text = (content: string, x: number, baseline: number, colour = colours.text): void => {
    shapes.push({ kind: 'text', text: content, x, baseline, size: LABEL_SIZE, variant: 'regular', color: colour, width: setter.widthOf(content, 'regular', LABEL_SIZE) });
  };

  axis.ticks.forEach((tick, index) => {
    const tickY = y(tick);
    shapes.push({ kind: 'line', points: [[left, tickY], [width, tickY]], color: tick === 0 ? colours.axis : colours.grid, thickness: tick === 0 ? 0.8 : 0.4 });
    const label = tickTexts[index] as string;
    text(label, gutter - AXIS_GAP - setter.widthOf(label, 'regular', LABEL_SIZE), tickY + LABEL_SIZE * 0.35);
  });

  fittedLabels.forEach((fitted, index) => {
    const labelWidth = setter.widthOf(fitted, 'regular', LABEL_SIZE);
    text(fitted, left + slot * index + (slot - labelWidth) / 2, top + PLOT_HEIGHT + LABEL_ROW - 3 + labels.above);
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
      x += 14 + setter.widthOf(name, 'regular', LABEL_SIZE) + 10;
    });
  }
  return { height: top + PLOT_HEIGHT + LABEL_ROW + labels.above + labels.below, shapes };
}

const NO_ROOM = { above: 0, below: 0 } as const;

/** The room a row of labels (fitted, so measured already) needs past the font's ascent and descent; none for ordinary text (one pattern test each). */
function labelRoom(texts: readonly string[], setter: TextSetter): { readonly above: number; readonly below: number } {
  if (texts.length === 0) return NO_ROOM;
  return setter.inkRoom(texts.map((text) => ({ text, variant: 'regular', size: LABEL_SIZE }))) ?? NO_ROOM;
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
