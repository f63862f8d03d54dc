import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { ContentError } from '../lambdas/render/errors';
import { loadFile } from '../lambdas/render/load';
import type { SourceFile } from '../lambdas/render/types';
import { renderTarget } from '../client/render-files';
import { STRESS_SHAPE, longDocument } from '../bench/long-document';
import { fold, readPdf } from './helpers/pdf';
import { folderImages } from '../client/image-files';

const contentDir = new URL('../content/', import.meta.url).pathname;
const contentFiles = readdirSync(contentDir, { withFileTypes: true })
  .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
  .map((entry) => entry.name)
  .sort();
const pageLabel: Record<string, string> = { en: 'Page', fr: 'Page', uk: 'Сторінка', de: 'Seite', es: 'Página' };
/** pdf.js mangles Arabic and Chinese text extraction: tests/world-scripts.test.ts reads these with poppler, the reference. */
const readByPoppler = new Set(['ar', 'zh-Hans']);

/** The structured samples, read independently of the engine to know what the PDF must say. */
function expectedOf(name: string, text: string): { title: string; lang: string; quotes: string[] } | null {
  const ext = extname(name).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') return null;
  const data = (ext === '.json' ? JSON.parse(text) : parseYaml(text)) as { title: string; lang?: string; quotes?: { text: string }[] };
  return { title: data.title, lang: data.lang ?? 'en', quotes: (data.quotes ?? []).map((quote) => quote.text) };
}

/** Inline emphasis markers do not print. */
function plain(text: string): string {
  return fold(text.replace(/\*\*|\*/g, '').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1'));
}

describe('render engine', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  it('has the sample content the README promises', () => {
    expect(contentFiles.map((name) => extname(name).toLowerCase())).toEqual(expect.arrayContaining(['.yaml', '.txt', '.md', '.json']));
    expect(contentFiles.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(contentFiles)('content/%s', (name) => {
    it('renders to a tagged PDF with embedded subset fonts, its language, title, quotes and page numbers', async () => {
      // Prepare
      const path = join(contentDir, name);
      const source = await loadFile(path);
      const expected = expectedOf(name, await readFile(path, 'utf8'));

      // Act
      const result = await renderer.render(source, { images: folderImages(contentDir, path) });
      const pdf = await readPdf(result.pdf);

      // Assert
      expect(result.pages).toBe(pdf.pages);
      expect(pdf.tagged).toBe(true);
      expect(pdf.fontsEmbeddedAndSubset).toBe(true);
      expect(pdf.fontNames.every((font) => font.includes('NotoSans'))).toBe(true);
      expect(pdf.lang).toBe(result.lang);
      for (const role of ['Document', 'H1', 'P']) expect(pdf.structureRoles).toContain(role);
      if (readByPoppler.has(result.lang)) return;
      const label = pageLabel[result.lang.split('-')[0] as string] as string;
      pdf.furnitureTexts.forEach((text, index) => expect(text).toContain(`${label} ${index + 1} / ${pdf.pages}`));
      expect(pdf.text).not.toContain('\uFFFD');
      if (expected) {
        expect(result.lang).toBe(expected.lang);
        expect(pdf.info.Title).toBe(plain(expected.title));
        expect(pdf.text).toContain(plain(expected.title));
        for (const quote of expected.quotes) expect(pdf.text).toContain(plain(quote));
      }
    });
  });

  it('renders the French sample with every field of the content format', async () => {
    const path = join(contentDir, 'macron-poutine-2022-02-28.yaml');
    const data = parseYaml(await readFile(path, 'utf8')) as Record<string, unknown>;

    const result = await renderer.render(await loadFile(path));
    const pdf = await readPdf(result.pdf);

    expect(result.template).toBe('briefing');
    expect(pdf.lang).toBe('fr');
    expect(pdf.text).toContain('28 février 2022');
    expect(pdf.text).toContain('Points clés');
    expect(pdf.info.Author).toBe(data.author);
    expect(pdf.info.Keywords).toBe((data.tags as string[]).join(', '));
    expect(pdf.info.Subject).toBe(plain(data.summary as string));
    expect(pdf.links).toContain('https://www.elysee.fr/');
    for (const role of ['H2', 'L', 'LI', 'BlockQuote', 'Table']) expect(pdf.structureRoles).toContain(role);
    for (const party of data.parties as { name: string }[]) expect(pdf.text).toContain(party.name);
  });

  it('turns the raw wire dispatch into a fact sheet: a clause for title, key points, parties, timeline, attributed quotes, the lead once', async () => {
    const result = await renderer.render(await loadFile(join(contentDir, 'depeche-afp-2022-02-28.txt')));
    const pdf = await readPdf(result.pdf);

    expect(pdf.lang).toBe('fr');
    expect(String(pdf.info.Title)).toBe('Emmanuel Macron a échangé lundi pendant 1h30 avec Vladimir Poutine');
    expect(pdf.text).toContain('février 2022');
    expect(pdf.text).toContain('a confirmé sa volonté de s’engager');
    for (const derived of ['Points clés', 'Une préservation de toutes les infrastructures civiles', 'Acteurs', 'Volodymyr Zelensky', 'Chronologie', '24 février 2022', 'Jour de l’offensive', '— Présidence française']) {
      expect(pdf.text).toContain(derived);
    }
    // The lead is the summary, and the full text starts after it.
    expect(pdf.text.split('en lui demandant l’arrêt des frappes')).toHaveLength(2);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.message).toContain('derived from a wire dispatch by rules');
  });

  it('prints the Cyrillic names of the Ukrainian sample as text', async () => {
    const result = await renderer.render(await loadFile(join(contentDir, 'macron-putin-call-uk.yaml')));
    const pdf = await readPdf(result.pdf);

    expect(pdf.lang).toBe('uk');
    for (const name of ['Макрон', 'Путін', 'Зеленськ']) expect(pdf.text).toContain(name);
  });

  it('dates the weekdays of a dispatch in its own week, each sentence once in the timeline', async () => {
    // 17 June 2026 is a Wednesday: "mercredi" is that day, "recevra … jeudi" the next day, and
    // "jusqu’à jeudi" ends a span, which is no entry of its own.
    const text = [
      'date 2026-06-17 PARIS, 17 juin 2026 (AFP) - La grève des contrôleurs aériens a entraîné mercredi l’annulation de près de 1 200 vols dans les aéroports parisiens, a annoncé la Direction générale de l’aviation civile (DGAC), qui demande aux compagnies de réduire de moitié leurs programmes jusqu’à jeudi.',
      'Le ministre délégué aux Transports, Philippe Tabarot, a jugé la grève « disproportionnée » et recevra les syndicats jeudi à 10 h.',
    ].join('\n\n');
    const result = await renderer.render({ name: 'wire-fr.txt', bytes: new TextEncoder().encode(`${text}\n`), modifiedAt: new Date('2026-06-17T12:00:00Z') });
    const timeline = (await readPdf(result.pdf)).text.split('Chronologie')[1]?.split('Sources')[0] ?? '';

    expect(timeline).not.toContain('11 juin');
    expect(timeline.match(/17 juin 2026 La grève.*jusqu’à jeudi 18 juin 2026 Le ministre délégué.*recevra les syndicats jeudi à 10 h/)).not.toBeNull();
    expect(timeline.split('La grève des contrôleurs')).toHaveLength(2);
  });

  it('labels a Russian dispatch in Russian, and a Ukrainian one still in Ukrainian', async () => {
    const text = 'date 2026-04-24 МОСКВА, 24 апреля (ТАСС). Банк России снизил ключевую ставку до 14% годовых.\n\n«Инфляция замедляется быстрее, чем мы ожидали», — заявила Эльвира Набиуллина.\n';
    const russian = await readPdf((await renderer.render({ name: 'wire-ru.txt', bytes: new TextEncoder().encode(text), modifiedAt: new Date('2026-04-24T12:00:00Z') })).pdf);
    const ukrainian = await readPdf((await renderer.render(await loadFile(new URL('./fixtures/good/dispatch-uk.txt', import.meta.url).pathname))).pdf);

    expect(russian.lang).toBe('ru');
    for (const label of ['24 апреля 2026 г.', 'Кратко', 'Полный текст', 'Цитаты']) expect(russian.text).toContain(label);
    expect(russian.text).not.toContain('квітня');
    expect(ukrainian.lang).toBe('uk');
    for (const label of ['28 лютого 2022 р.', 'Повний текст']) expect(ukrainian.text).toContain(label);
  });

  it('gives the same bytes for the same input, and takes the date from SOURCE_DATE_EPOCH', async () => {
    const source = await loadFile(join(contentDir, 'macron-poutine-2022-02-28.yaml'));

    const first = await renderer.render(source);
    const second = await renderer.render(source);
    const pinned = await renderer.render(source, { sourceDateEpoch: 1646006400 });

    expect(Buffer.compare(first.pdf, second.pdf)).toBe(0);
    expect(Buffer.compare(first.pdf, pinned.pdf)).not.toBe(0);
    expect((await readPdf(pinned.pdf)).info.CreationDate).toBe('D:20220228000000Z');
  });

  it('gives the same bytes whatever the process rendered before', async () => {
    // Prepare: two engines, one of which has shaped French, Ukrainian and English words first.
    const english = await loadFile(join(contentDir, 'macron-putin-call-en.json'));
    const fresh = await createRenderer();
    const used = await createRenderer();
    for (const name of ['macron-poutine-2022-02-28.yaml', 'macron-putin-call-uk.yaml', 'depeche-afp-2022-02-28.txt']) {
      await used.render(await loadFile(join(contentDir, name)));
    }

    // Act
    const alone = await fresh.render(english);
    const after = await used.render(english);

    // Assert
    expect(Buffer.compare(alone.pdf, after.pdf)).toBe(0);
    expect((await readPdf(after.pdf)).text).toContain('Event');
  });

  it('prints markup-looking content literally', async () => {
    const source: SourceFile = {
      name: 'literal.yaml',
      bytes: Buffer.from('title: "Tags <b>bold</b> & {{x}} &amp; stay"\ndate: 2022-02-28\nsummary: "A <i>summary</i> with {{#each x}} and &lt;"\n'),
      modifiedAt: new Date(0),
    };

    const pdf = await readPdf((await renderer.render(source)).pdf);

    expect(pdf.text).toContain('Tags <b>bold</b> & {{x}} &amp; stay');
    expect(pdf.text).toContain('A <i>summary</i> with {{#each x}} and &lt;');
  });

  it('lays out a long document: every sentence exactly once, no page ending with a heading', async () => {
    const long = longDocument(STRESS_SHAPE);
    const source: SourceFile = { name: 'long.yaml', bytes: Buffer.from(long.yaml), modifiedAt: new Date(0) };

    const result = await renderer.render(source);
    const pdf = await readPdf(result.pdf);

    expect(pdf.pages).toBeGreaterThan(5);
    for (const sentence of long.sentences) {
      expect(pdf.text.split(sentence).length - 1, sentence).toBe(1);
    }
    for (const text of pdf.pageTexts) {
      for (const heading of long.headings) expect(text.endsWith(heading), heading).toBe(false);
    }
  });

  it('fits the brief template on one page, cutting after a whole key point with a visible ellipsis', async () => {
    const points = Array.from({ length: 80 }, (_, n) => `Key point ${n + 1} keeps the humanitarian corridors open for one more day.`);
    const yaml = `title: Digest\ndate: 2022-02-28\ntemplate: brief\nsummary: A short summary.\nkey_points:\n${points.map((point) => `  - "${point}"`).join('\n')}\n`;

    const result = await renderer.render({ name: 'digest.yaml', bytes: Buffer.from(yaml), modifiedAt: new Date(0) });
    const pdf = await readPdf(result.pdf);

    expect(pdf.pages).toBe(1);
    expect(pdf.text.endsWith('…')).toBe(true);
    const shown = points.filter((point) => pdf.text.includes(point));
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(points.length);
    expect(shown).toEqual(points.slice(0, shown.length));
    expect(pdf.text).not.toContain(`Key point ${shown.length + 1} `);
  });

  it.each(readdirSync(new URL('fixtures/bad/', import.meta.url)).sort())('refuses tests/fixtures/bad/%s in words and writes no PDF', async (name) => {
    const out = await mkdtemp(join(tmpdir(), 'render-bad-'));
    const path = new URL(`fixtures/bad/${name}`, import.meta.url).pathname;

    const outcome = await renderTarget(renderer, { path, root: dirname(path), outputName: 'bad' }, out);

    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.message).toContain(path);
    expect(outcome.ok ? '' : outcome.message).not.toMatch(/^\s+at /m);
    expect(readdirSync(out)).toEqual([]);
  });

  it('reports a bad document and writes no PDF', async () => {
    const out = await mkdtemp(join(tmpdir(), 'render-bad-'));
    const path = join(out, 'missing-title.yaml');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, 'date: 2022-02-28\nquotes:\n  - speaker: X\n'));

    const outcome = await renderTarget(renderer, { path, root: out, outputName: 'missing-title' }, out);

    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.message).toMatch(/title/);
    expect(outcome.ok ? '' : outcome.message).toMatch(/quotes\[0\]\.text/);
    expect(existsSync(join(out, 'missing-title.pdf'))).toBe(false);
    await expect(renderer.render(await loadFile(path))).rejects.toBeInstanceOf(ContentError);
  });
});
