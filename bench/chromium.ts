/**
 * What most teams run instead: headless Chromium (Debian's /usr/bin/chromium) printing the same
 * fact sheet written as HTML to PDF. The HTML carries the document's fields in the order our
 * briefing template prints them, in the document's language and direction, with the system's
 * Noto fonts (fonts-noto-core, fonts-noto-cjk), pictures as <img> and charts as inline SVG bars.
 * - cold: `chromium --headless --print-to-pdf` on the HTML file, as a shell script or a Lambda
 *   without a warm browser does it: start → PDF written (the process's exit);
 * - warm: one browser kept open (playwright-core), a new page per document: load the file → pdf().
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { parse } from 'yaml';
import { resolveLanguage } from '../lambdas/render/template/i18n';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const RIGHT_TO_LEFT = new Set(['ar', 'he', 'fa', 'ur']);

type Fields = Record<string, unknown>;
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** The content format's inline emphasis, `**strong**` and `*em*`. */
const inline = (value: unknown): string =>
  escape(String(value))
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/\*(.+?)\*/g, '<em>$1</em>');
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const paragraphs = (value: unknown): string =>
  list(value)
    .flatMap((text) => String(text).split(/\n\s*\n/))
    .map((text) => `<p>${inline(text)}</p>`)
    .join('');

/** The HTML page of an event document (YAML or JSON), its pictures resolved beside it. */
function factsheetHtml(file: string): string {
  const document = parse(readFileSync(file, 'utf8')) as Fields;
  const lang = typeof document.lang === 'string' ? document.lang : 'en';
  // The briefing template's own labels for that language (its fallback for one it does not know), not a copy.
  const { labels } = resolveLanguage(lang).language;
  const base = dirname(resolve(file));
  const fields = (name: string): Fields[] => list(document[name]) as Fields[];
  const figure = (image: Fields): string =>
    `<figure><img src="${pathToFileURL(join(base, String(image.src))).href}" alt="${escape(String(image.alt))}">` +
    `<figcaption>${inline(image.caption ?? '')} <small>${inline(image.credit ?? '')}</small></figcaption></figure>`;
  const chart = (data: Fields): string => {
    const values = ((data.series as Fields[])[0]?.values ?? []) as number[];
    const labels = (data.labels ?? []) as string[];
    const top = Math.max(...values);
    const bars = values
      .map((value, index) => {
        const height = (value / top) * 120;
        return `<rect x="${index * 60 + 10}" y="${140 - height}" width="40" height="${height}" fill="#1f4e79"/>` +
          `<text x="${index * 60 + 30}" y="155" font-size="9" text-anchor="middle">${escape(String(labels[index] ?? ''))}</text>` +
          `<text x="${index * 60 + 30}" y="${135 - height}" font-size="9" text-anchor="middle">${value.toLocaleString(lang)}</text>`;
      })
      .join('');
    return `<figure><h3>${inline(data.title ?? '')}</h3><svg width="${values.length * 60 + 20}" height="160" role="img">${bars}</svg><figcaption>${inline(data.unit ?? '')}</figcaption></figure>`;
  };
  const body = [
    `<p class="meta">${[document.category, document.date, document.location].filter(Boolean).map(inline).join(' · ')}</p>`,
    `<h1>${inline(document.title)}</h1>`,
    document.subtitle === undefined ? '' : `<p class="subtitle">${inline(document.subtitle)}</p>`,
    document.summary === undefined ? '' : `<div class="summary">${paragraphs(document.summary)}</div>`,
    ...fields('images').map(figure),
    ...fields('charts').map(chart),
    fields('facts').length === 0 ? '' : `<table>${fields('facts').map((fact) => `<tr><th>${inline(fact.label)}</th><td>${inline(fact.value)}</td></tr>`).join('')}</table>`,
    list(document.key_points).length === 0 ? '' : `<ul>${list(document.key_points).map((point) => `<li>${inline(point)}</li>`).join('')}</ul>`,
    ...fields('sections').map(
      (section) => `<h2>${inline(section.heading)}</h2>${paragraphs(section.body)}${list(section.bullets).length === 0 ? '' : `<ul>${list(section.bullets).map((bullet) => `<li>${inline(bullet)}</li>`).join('')}</ul>`}`,
    ),
    ...fields('quotes').map((quote) => `<blockquote>${inline(quote.text)}<footer>${inline(quote.speaker ?? '')} ${inline(quote.context ?? '')}</footer></blockquote>`),
    fields('parties').length === 0 ? '' : `<table>${fields('parties').map((party) => `<tr><th>${inline(party.name)}</th><td>${inline(party.role ?? '')}</td><td>${inline(party.country ?? '')}</td></tr>`).join('')}</table>`,
    fields('timeline').length === 0 ? '' : `<table>${fields('timeline').map((entry) => `<tr><th>${inline(entry.date ?? '')}</th><td>${inline(entry.event ?? entry.text ?? '')}</td></tr>`).join('')}</table>`,
    document.context === undefined ? '' : `<h2>${escape(labels.context)}</h2>${paragraphs(document.context)}`,
  ].join('\n');
  return `<!doctype html><html lang="${escape(lang)}" dir="${RIGHT_TO_LEFT.has(lang.split('-')[0] ?? '') ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><title>${inline(document.title)}</title>
<style>@page { size: A4; margin: 18mm 16mm } body { font: 10pt/1.4 "Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai", "Noto Sans CJK SC", sans-serif; color: #1a1a1a }
h1 { font-size: 20pt; margin: 0 0 6pt } h2 { font-size: 12pt; margin: 12pt 0 4pt } .meta { color: #555; font-size: 8.5pt } .subtitle { font-size: 11pt }
.summary { background: #eef3f8; border-inline-start: 3pt solid #1f4e79; padding: 6pt 9pt } table { border-collapse: collapse; margin: 8pt 0 } th, td { text-align: start; padding: 2pt 8pt 2pt 0; vertical-align: top }
blockquote { border-inline-start: 2pt solid #1f4e79; margin: 8pt 0; padding-inline-start: 8pt } blockquote footer { color: #555; font-size: 8.5pt } figure { margin: 8pt 0; break-inside: avoid } img { max-width: 100% }</style>
</head><body>${body}</body></html>`;
}

/** One cold Chromium: a new process printing the HTML file; milliseconds to its exit and the PDF's size. */
export function chromiumCold(htmlFile: string, pdfFile: string): { ms: number; pdfBytes: number } {
  const started = performance.now();
  const child = spawnSync(CHROMIUM, [...FLAGS, '--no-pdf-header-footer', `--print-to-pdf=${pdfFile}`, pathToFileURL(htmlFile).href], { stdio: 'ignore' });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${CHROMIUM} --print-to-pdf failed (exit ${String(child.status)})`);
  return { ms, pdfBytes: statSync(pdfFile).size };
}

/** Warm Chromium: `renders` documents through one open browser, a new page each; their times. */
export async function chromiumWarm(htmlFile: string, renders: number): Promise<number[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const times: number[] = [];
    for (let i = 0; i < renders; i++) {
      const started = performance.now();
      const page = await browser.newPage();
      await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
      await page.pdf({ format: 'A4', preferCSSPageSize: true });
      await page.close();
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await browser.close();
  }
}

/** Writes the document's HTML to `htmlFile` (its pictures are loaded by file URL). */
export function writeFactsheetHtml(file: string, htmlFile: string): void {
  writeFileSync(htmlFile, factsheetHtml(file));
}
