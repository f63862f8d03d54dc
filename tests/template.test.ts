import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCommonMark } from '../lambdas/render/commonmark';
import { TemplateError } from '../lambdas/render/errors';
import { parseMarkup } from '../lambdas/render/markup';
import { COMPILED_TEMPLATES_FILE, compileTemplates, loadTemplates, type CompiledTemplates, type TemplateSet } from '../lambdas/render/template';
import { inlineMarkup } from '../lambdas/render/template/inline';
import { contrastRatio, loadTheme } from '../lambdas/render/template/theme';
import type { MarkupDocument } from '../lambdas/render/types';
import { englishDocument, frenchDocument, minimalDocument, ukrainianDocument, validated } from './fixtures/templates/documents';
import { blocksOf, headingTexts, runsMatching, sectionAfter, textOf } from './fixtures/templates/queries';

const fixtures = new URL('./fixtures/templates/', import.meta.url).pathname;
const repositoryRoot = new URL('..', import.meta.url).pathname;
const brokenDir = join(fixtures, 'broken');
const themesDir = join(fixtures, 'themes');

async function thrown(action: () => unknown): Promise<TemplateError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError, nothing was thrown');
}

/** A templates folder holding the default theme and one template from tests/fixtures/templates/uncompilable. */
async function folderWith(template: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'templates-'));
  await cp(join(brokenDir, 'theme.yaml'), join(dir, 'theme.yaml'));
  await cp(join(fixtures, 'uncompilable', `${template}.hbs`), join(dir, `${template}.hbs`));
  return dir;
}

// The renderer loads the CommonMark parser before the stages that need it; these tests call the stages directly.
beforeAll(loadCommonMark);

describe('template', () => {
  let templates: TemplateSet;
  beforeAll(async () => {
    templates = await loadTemplates();
  });

  const render = (document: Parameters<typeof validated>[0]): MarkupDocument => parseMarkup(templates.fill(validated(document)));

  describe('loadTemplates', () => {
    it('finds the shipped templates and the default theme', () => {
      expect(templates.names).toEqual(['brief', 'briefing']);
      expect(templates.theme.organisation).toBe('Factsheet Publisher');
      expect(templates.theme.paper).toBe('A4');
      expect(templates.theme.logo).toBeNull();
    });

    it('reads and compiles everything at load: filling never touches the files again', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'templates-'));
      await cp(new URL('../templates/', import.meta.url).pathname, dir, { recursive: true });
      const loaded = await loadTemplates(dir);
      await rm(dir, { recursive: true });

      const markup = parseMarkup(loaded.fill(validated(frenchDocument)));

      expect(headingTexts(markup.body, 1)).toEqual(['Emmanuel Macron a échangé lundi avec Vladimir Poutine']);
    });

    it('ships a default theme whose text colours all meet WCAG AA', () => {
      const { colours } = templates.theme;
      const white = '#ffffff';

      const pairs = [
        [colours.text, white],
        [colours.text, colours.highlight],
        [colours.muted, white],
        [colours.muted, colours.highlight],
        [colours.accent, white],
        [colours.accent, colours.highlight],
        [colours.primary, white],
        [colours.onPrimary, colours.primary],
      ] as const;

      for (const [foreground, background] of pairs) expect(contrastRatio(foreground, background)).toBeGreaterThanOrEqual(4.5);
    });

    it.each([
      ['unknown-helper', 4, 7, /unknown helper "inlin" \(helpers: any, date, inline, label, listSeparator, pageOf, punctuation, quote\)/],
      ['triple-stash', 4, 6, /\{\{\{…\}\}\} prints without escaping/],
      ['unknown-partial', 3, 1, /unknown partial "fotoer"/],
      ['mismatched-block', 4, 6, /if doesn't match each/],
      ['unclosed-mustache', 4, undefined, /Handlebars syntax error:\n.*\{\{#if summary\}<p>/],
    ])('refuses to start with a broken template (%s), naming its file, line and column', async (name, line, column, message) => {
      const dir = await folderWith(name);

      const error = await thrown(() => loadTemplates(dir));

      expect(error.template).toBe(join(dir, `${name}.hbs`));
      expect([error.line, error.column]).toEqual([line, column]);
      expect(error.message).toMatch(message);
    });
  });

  describe('compiled templates', () => {
    const shippedTemplates = new URL('../templates/', import.meta.url).pathname;
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'templates-'));
      return () => rm(dir, { recursive: true, force: true });
    });

    /** A copy of the shipped templates with `compiled` as its compiled-templates.json. */
    async function copyWith(compiled: unknown): Promise<string> {
      const copy = await mkdtemp(join(dir, 'copy-'));
      await cp(shippedTemplates, copy, { recursive: true });
      await writeFile(join(copy, COMPILED_TEMPLATES_FILE), typeof compiled === 'string' ? compiled : JSON.stringify(compiled));
      return copy;
    }

    /** The shipped templates compiled, with brief.hbs's specification swapped for one titled `marker`. */
    async function compiledWithMarker(marker: string): Promise<CompiledTemplates> {
      const compiled = await compileTemplates(shippedTemplates);
      const other = await mkdtemp(join(dir, 'other-'));
      await cp(shippedTemplates, other, { recursive: true });
      const brief = await readFile(join(other, 'brief.hbs'), 'utf8');
      await writeFile(join(other, 'brief.hbs'), brief.replace('{{> headline}}', `<h1>${marker}</h1>`));
      const { templates: changed } = await compileTemplates(other);
      const shipped = compiled.templates['brief.hbs'];
      expect(shipped).toBeDefined();
      return { ...compiled, templates: { ...compiled.templates, 'brief.hbs': { source: shipped?.source ?? '', specification: changed['brief.hbs']?.specification ?? '' } } };
    }

    const briefTitle = (set: TemplateSet): string[] => headingTexts(parseMarkup(set.fill(validated({ ...frenchDocument, template: 'brief' }))).body, 1);

    it('compiles every template and partial, keyed by its path in the folder', async () => {
      const compiled = await compileTemplates(shippedTemplates);

      expect(Object.keys(compiled.templates).sort()).toEqual(
        ['brief.hbs', 'briefing.hbs', 'partials/chart.hbs', 'partials/dateline.hbs', 'partials/facts.hbs', 'partials/figure.hbs', 'partials/furniture.hbs', 'partials/headline.hbs', 'partials/key-points.hbs', 'partials/meta.hbs', 'partials/summary.hbs'],
      );
      expect(compiled.partials.slice().sort()).toEqual(['chart', 'dateline', 'facts', 'figure', 'furniture', 'headline', 'key-points', 'meta', 'summary']);
      expect(compiled.templates['briefing.hbs']?.source).toBe(await readFile(join(shippedTemplates, 'briefing.hbs'), 'utf8'));
    });

    it('fills from the compiled copy of a template whose text it matches', async () => {
      const copy = await copyWith(await compiledWithMarker('COMPILED COPY'));

      const loaded = await loadTemplates(copy);

      expect(briefTitle(loaded)).toEqual(['COMPILED COPY']);
    });

    it('runs compiled copies without importing the Handlebars compiler', async () => {
      // Prepare: a fresh template module whose compiler import fails.
      const copy = await copyWith(await compileTemplates(shippedTemplates));
      vi.resetModules();
      vi.doMock('handlebars', () => {
        throw new Error('the compiler was imported');
      });
      try {
        const fresh = await import('../lambdas/render/template');
        await (await import('../lambdas/render/commonmark')).loadCommonMark();

        // Act
        const loaded = await fresh.loadTemplates(copy);

        // Assert: and a folder without compiled copies does need it.
        expect(briefTitle(loaded)).toEqual(briefTitle(templates));
        await expect(fresh.loadTemplates(shippedTemplates)).rejects.toThrow(/error when mocking a module/);
      } finally {
        vi.doUnmock('handlebars');
        vi.resetModules();
      }
    });

    it('compiles a template edited since its copy was compiled', async () => {
      const copy = await copyWith(await compiledWithMarker('COMPILED COPY'));
      const brief = join(copy, 'brief.hbs');
      await writeFile(brief, (await readFile(brief, 'utf8')).replace('{{> headline}}', '<h1>EDITED</h1>'));

      const loaded = await loadTemplates(copy);

      expect(briefTitle(loaded)).toEqual(['EDITED']);
    });

    it('ignores copies compiled against other partials or by another Handlebars', async () => {
      const compiled = await compiledWithMarker('COMPILED COPY');
      const otherPartials = await copyWith({ ...compiled, partials: [...compiled.partials, 'removed-since'] });
      const otherHandlebars = await copyWith({ ...compiled, handlebarsVersion: '0.0.1' });

      const loaded = await Promise.all([loadTemplates(otherPartials), loadTemplates(otherHandlebars)]);

      for (const set of loaded) expect(briefTitle(set)).toEqual(briefTitle(templates));
    });

    it.each([
      ['not JSON', '{"handlebarsVersion": ', /cannot read the compiled templates: .*JSON/],
      ['another shape', '{"templates": []}', /not compiled templates: regenerate it with build\/compile-templates\.ts, or delete it/],
    ])('refuses a compiled-templates.json that is %s, naming it', async (_, text, message) => {
      const copy = await copyWith(text);

      const error = await thrown(() => loadTemplates(copy));

      expect(error.template).toBe(join(copy, COMPILED_TEMPLATES_FILE));
      expect(error.message).toMatch(message);
    });

    it('are written by build/compile-templates.ts, which fails on a broken template naming its file, line and column', async () => {
      const out = join(dir, 'written.json');
      const broken = await folderWith('unknown-partial');
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'build/compile-templates.ts', ...args], { cwd: repositoryRoot, encoding: 'utf8' });

      const [good, bad] = [run(shippedTemplates, '--out', out), run(broken)];

      expect(good.status, good.stderr).toBe(0);
      expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(await compileTemplates(shippedTemplates));
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain(`${join(broken, 'unknown-partial.hbs')}:3:1: unknown partial "fotoer"`);
    });

    it('refuses to compile a broken template, naming its file, line and column', async () => {
      const broken = await folderWith('unknown-partial');

      const error = await thrown(() => compileTemplates(broken));

      expect([error.template, error.line, error.column]).toEqual([join(broken, 'unknown-partial.hbs'), 3, 1]);
    });
  });

  describe('briefing in French', () => {
    let markup: MarkupDocument;
    beforeAll(() => {
      markup = render(frenchDocument);
    });

    it('fills the PDF metadata with plain text: title, organisation as author, summary as subject, tags as keywords', () => {
      expect(markup.meta).toEqual({
        lang: 'fr',
        title: 'Emmanuel Macron a échangé lundi avec Vladimir Poutine',
        author: templates.theme.organisation,
        subject: frenchDocument.summary?.replace(/\*\*/g, ''),
        keywords: frenchDocument.tags,
        maxPages: null,
      });
    });

    it('puts organisation, classification and date in the header band', () => {
      expect(markup.header && [textOf(markup.header.left), textOf(markup.header.center), textOf(markup.header.right)]).toEqual([
        templates.theme.organisation,
        'Public',
        '28 février 2022',
      ]);
    });

    it('credits the sources in the footer with the French no-break space, and numbers the pages', () => {
      expect(markup.footer && textOf(markup.footer.left)).toBe('Sources\u00A0: AFP, Élysée');
      expect(markup.footer?.right).toEqual([
        expect.objectContaining({ kind: 'text', text: 'Page ' }),
        { kind: 'page-number' },
        expect.objectContaining({ kind: 'text', text: ' / ' }),
        { kind: 'page-count' },
      ]);
    });

    it('opens with kicker, title, standfirst and the date · location line', () => {
      const [kicker, title, standfirst, dateline] = markup.body;

      expect(kicker).toMatchObject({ kind: 'paragraph', style: 'kicker' });
      expect(title).toMatchObject({ kind: 'heading', level: 1 });
      expect(standfirst).toMatchObject({ kind: 'paragraph', style: 'standfirst' });
      expect(dateline).toMatchObject({ kind: 'paragraph', style: 'meta' });
      expect([kicker, title, standfirst, dateline].map((block) => (block?.kind === 'paragraph' || block?.kind === 'heading' ? textOf(block.runs) : null))).toEqual([
        'Diplomatie',
        'Emmanuel Macron a échangé lundi avec Vladimir Poutine',
        frenchDocument.subtitle,
        '28 février 2022 · Paris',
      ]);
    });

    it('puts the summary in a summary box, with emphasis as a bold run', () => {
      const [box] = blocksOf(markup.body, 'box');

      expect(box?.style).toBe('summary');
      expect(headingTexts(box?.blocks ?? [], 2)).toEqual(['Résumé']);
      expect(runsMatching(box?.blocks ?? [], (run) => run.bold).map((run) => run.text)).toEqual(['a confirmé']);
    });

    it('lays the facts out in a two-column grid under "Repères"', () => {
      const [grid] = sectionAfter(markup.body, 'Repères');

      expect(grid).toMatchObject({ kind: 'grid', columns: 2 });
      expect(grid?.kind === 'grid' && grid.facts.map((fact) => [textOf(fact.label), textOf(fact.value)])).toEqual(
        frenchDocument.facts.map((fact) => [fact.label, fact.value]),
      );
    });

    it('lists the parties in a name / role / country table, leaving a cell empty where a party has no role', () => {
      const [table] = sectionAfter(markup.body, 'Acteurs');

      expect(table?.kind === 'table' && table.widths.length).toBe(3);
      expect(table?.kind === 'table' && table.header?.map(textOf)).toEqual(['Nom', 'Rôle', 'Pays']);
      expect(table?.kind === 'table' && table.rows.map((row) => row.map(textOf))).toEqual(
        frenchDocument.parties.map((party) => [party.name, party.role ?? '', party.country ?? '']),
      );
    });

    it('lists the key points under "Points clés"', () => {
      const [list] = sectionAfter(markup.body, 'Points clés');

      expect(list?.kind === 'list' && list.items.map((item) => textOf(item.runs))).toEqual(frenchDocument.key_points.map((item) => item.text));
    });

    it('prints each section as a heading, its paragraphs and its bullets', () => {
      const [section] = frenchDocument.sections;
      const blocks = sectionAfter(markup.body, section?.heading ?? '');

      expect(blocks.map((block) => block.kind)).toEqual(['paragraph', 'paragraph', 'list']);
      expect(blocks.flatMap((block) => (block.kind === 'paragraph' ? [textOf(block.runs)] : []))).toEqual(section?.body);
      expect(blocks.flatMap((block) => (block.kind === 'list' ? block.items.map((item) => textOf(item.runs)) : []))).toEqual(section?.bullets.map((item) => item.text));
    });

    it('wraps quotes in French guillemets with narrow no-break spaces and cites "— speaker, context"', () => {
      const quotes = blocksOf(sectionAfter(markup.body, 'Citations'), 'quote');

      expect(quotes.map((quote) => quote.paragraphs.map(textOf))).toEqual(frenchDocument.quotes.map((quote) => [`«\u202F${quote.text}\u202F»`]));
      expect(quotes.map((quote) => quote.cite && textOf(quote.cite))).toEqual(['— L’Élysée, communiqué', '— La présidence', null]);
    });

    it('prints the timeline as a 1:3 table of formatted or free-text dates', () => {
      const [table] = sectionAfter(markup.body, 'Chronologie');

      expect(table?.kind === 'table' && table.widths).toEqual([1, 3]);
      expect(table?.kind === 'table' && table.rows.map((row) => row.map(textOf))).toEqual([
        ['24 février 2022', frenchDocument.timeline[0]?.event],
        ['jeudi', frenchDocument.timeline[1]?.event],
        ['février 2022', frenchDocument.timeline[2]?.event],
      ]);
    });

    it('ends with the background and the sources, linked where a URL is given, with their date', () => {
      const context = sectionAfter(markup.body, 'Contexte');
      const sources = sectionAfter(markup.body, 'Sources');

      expect(context.map((block) => block.kind === 'paragraph' && textOf(block.runs))).toEqual(frenchDocument.context);
      expect(sources.map((block) => block.kind === 'paragraph' && [block.style, textOf(block.runs)])).toEqual([
        ['small', 'AFP, 28 février 2022'],
        ['small', 'Élysée'],
      ]);
      expect(runsMatching(sources, (run) => run.href !== null)).toEqual([expect.objectContaining({ text: 'AFP', href: 'https://www.afp.com/' })]);
    });
  });

  describe('briefing in English and Ukrainian', () => {
    it('uses English labels, curly quotes, day-month-year dates and the document’s author', () => {
      const markup = render(englishDocument);

      expect(markup.meta.author).toBe('Newsroom desk');
      expect(headingTexts(markup.body, 2)).toEqual(['Summary', 'Key facts', 'Who is involved', 'Key points', 'Quotes', 'Sources']);
      expect(blocksOf(markup.body, 'quote').map((quote) => quote.paragraphs.map(textOf))).toEqual([['“confirmed his will to commit”']]);
      expect(markup.footer && textOf(markup.footer.left)).toBe('Source: AFP');
      expect(markup.header && textOf(markup.header.right)).toBe('28 February 2022');
    });

    it('keeps Cyrillic text and uses Ukrainian labels and guillemets without spaces', () => {
      const markup = render(ukrainianDocument);

      expect(markup.meta.lang).toBe('uk');
      expect(headingTexts(markup.body, 1)).toEqual([ukrainianDocument.title]);
      expect(headingTexts(markup.body, 2)).toEqual(['Коротко', 'Ключові факти', 'Учасники', 'Ключові тези', 'Цитати', 'Хронологія', 'Джерела']);
      expect(blocksOf(markup.body, 'quote').map((quote) => quote.paragraphs.map(textOf))).toEqual([['«підтвердив готовність»']]);
      expect(markup.footer && textOf(markup.footer.right)).toBe('Сторінка [page-number] / [page-count]');
    });
  });

  describe('content', () => {
    it('prints <b>, {{x}} and &amp; literally, as plain text runs', () => {
      const title = 'Tags <b>bold</b> & {{x}} &amp; {{#each x}} stay';

      const filled = templates.fill(validated(minimalDocument({ title })));
      const markup = parseMarkup(filled);

      expect(filled.markup).toContain('Tags &lt;b&gt;bold&lt;/b&gt; &amp; {{x}} &amp;amp; {{#each x}} stay');
      expect(blocksOf(markup.body, 'heading')[0]?.runs).toEqual([{ kind: 'text', text: title, bold: false, italic: false, href: null }]);
      expect(markup.meta.title).toBe(title);
    });

    it('turns **bold**, *italic* and links into runs, and leaves an unbalanced * as typed', () => {
      const point = 'A **firm** *call* to [the Élysée](https://www.elysee.fr/?a=1&b=2), 5 * 3 and *open';

      const markup = render(minimalDocument({ key_points: [{ text: point, level: 0 }] }));
      const [list] = blocksOf(markup.body, 'list');

      expect(list?.items[0]?.runs).toEqual([
        { kind: 'text', text: 'A ', bold: false, italic: false, href: null },
        { kind: 'text', text: 'firm', bold: true, italic: false, href: null },
        { kind: 'text', text: ' ', bold: false, italic: false, href: null },
        { kind: 'text', text: 'call', bold: false, italic: true, href: null },
        { kind: 'text', text: ' to ', bold: false, italic: false, href: null },
        { kind: 'text', text: 'the Élysée', bold: false, italic: false, href: 'https://www.elysee.fr/?a=1&b=2' },
        { kind: 'text', text: ', 5 * 3 and *open', bold: false, italic: false, href: null },
      ]);
    });

    it('replaces characters XML cannot carry instead of failing the document', () => {
      const markup = render(minimalDocument({ title: 'Form\u000Cfeed' }));

      expect(headingTexts(markup.body, 1)).toEqual(['Form\uFFFDfeed']);
    });

    it('omits the role and country columns when no party has one', () => {
      const parties = [{ name: 'Emmanuel Macron' }, { name: 'Vladimir Poutine', country: 'Russie' }];

      const [table] = blocksOf(render(minimalDocument({ parties })).body, 'table');

      expect(table?.widths.length).toBe(2);
      expect(table?.header?.map(textOf)).toEqual(['Name', 'Country']);
      expect(table?.rows.map((row) => row.map(textOf))).toEqual([['Emmanuel Macron', ''], ['Vladimir Poutine', 'Russie']]);
    });

    it('leaves out every part whose field is absent', () => {
      const markup = render(minimalDocument());

      expect(markup.body.map((block) => block.kind)).toEqual(['heading', 'paragraph']);
      expect(markup.meta.subject).toBe('');
      expect(markup.meta.keywords).toEqual([]);
      expect(markup.header && textOf(markup.header.center)).toBe('');
      expect(markup.footer && textOf(markup.footer.left)).toBe('');
    });

    it('uses the subtitle as PDF subject when there is no summary', () => {
      const markup = render(minimalDocument({ subtitle: 'The *standfirst*' }));

      expect(markup.meta.subject).toBe('The standfirst');
    });
  });

  describe('brief', () => {
    it('is a one-page digest: title, date line, summary, facts and key points only', () => {
      const markup = render({ ...frenchDocument, template: 'brief' });

      expect(markup.meta.maxPages).toBe(1);
      expect(headingTexts(markup.body, 2)).toEqual(['Résumé', 'Repères', 'Points clés']);
      expect(blocksOf(markup.body, 'quote')).toEqual([]);
      expect(markup.footer && textOf(markup.footer.right)).toBe('Page [page-number] / [page-count]');
    });
  });

  describe('fill', () => {
    it('refuses a template name it does not have, listing the ones it has', async () => {
      const error = await thrown(() => templates.fill(validated(minimalDocument({ template: 'poster' }))));

      expect(error.message).toMatch(/no such template \(templates: brief, briefing\)/);
    });

    it('warns when the document’s language is not supported and fills in English, keeping its tag', () => {
      const filled = templates.fill(validated(minimalDocument({ lang: 'sw' })));

      expect(filled.warnings).toHaveLength(1);
      expect(filled.warnings[0]?.path).toBe('lang');
      expect(filled.warnings[0]?.message).toMatch(/^lang "sw" is not supported; using English labels \(supported: en, /);
      expect(parseMarkup(filled).meta.lang).toBe('sw');
    });
  });

  describe('helpers', () => {
    let broken: TemplateSet;
    beforeAll(async () => {
      broken = await loadTemplates(brokenDir);
    });

    it.each([
      ['inline-two-arguments', 4, 7, '{{inline}}: expected 1 argument, got 2'],
      ['named-argument', 4, 7, '{{inline}}: takes no named arguments, got style'],
      ['misspelt-field', 4, 7, '{{inline}}: the text is undefined: no such field here'],
      ['unknown-label', 4, 7, '{{label}}: unknown label string "keyPionts"'],
      ['date-of-number', 4, 6, '{{date}}: expected a date or a free-text date, got number 2022'],
      ['quote-as-block', 4, 6, '{{quote}}: cannot be used as a block'],
      ['any-of-text', 4, 9, '{{any}}: the first argument must be a list'],
      ['any-of-missing-field', 4, 9, '{{any}}: the list items have no field "rol"'],
      ['list-separator-without-index', 4, 38, '{{listSeparator}}: the second argument must be the list, got number 0'],
      ['strict-field', 2, 16, '"titel" is not a field here'],
    ])('stop the fill when called wrongly (%s), with the template line and column', async (name, line, column, message) => {
      const error = await thrown(() => broken.fill(validated({ ...frenchDocument, template: name })));

      expect(error.template).toBe(join(brokenDir, `${name}.hbs`));
      expect([error.line, error.column]).toEqual([line, column]);
      expect(error.message).toContain(message);
    });

    it('name the partial, not the template including it, when the mistake is in a partial', async () => {
      const error = await thrown(() => broken.fill(validated({ ...frenchDocument, template: 'partial-error' })));

      expect(error.template).toBe(join(brokenDir, 'partials', 'misused-helper.hbs'));
      expect([error.line, error.column]).toEqual([2, 5]);
    });
  });
});

describe('inline emphasis', () => {
  it.each([
    ['plain text', 'plain text'],
    ['**bold**', '<b>bold</b>'],
    ['*italic*', '<i>italic</i>'],
    ['***both***', '<i><b>both</b></i>'],
    ['*a **b** c*', '<i>a <b>b</b> c</i>'],
    ['**unclosed', '**unclosed'],
    ['closed** only', 'closed** only'],
    ['* not a list', '* not a list'],
    ['5 * 3 * 2', '5 * 3 * 2'],
    ['****', '****'],
    // CommonMark's rule of three: the inner `**` closes the `*` before it and one star of the first `**`.
    ['**a *b** c*', '<i><i>a <i>b</i></i> c</i>'],
    ['\\*not italic\\*', '*not italic*'],
    ['snake_case and _underscores_', 'snake_case and _underscores_'],
    ['&amp; `code` <https://example.org> ![image](https://example.org/a.png)', '&amp;amp; &#x60;code&#x60; &lt;https://example.org&gt; !<a href="https://example.org/a.png">image</a>'],
    ['[AFP](https://www.afp.com/)', '<a href="https://www.afp.com/">AFP</a>'],
    ['[**AFP**](mailto:desk@example.org)', '<a href="mailto:desk@example.org"><b>AFP</b></a>'],
    ['[Kyiv](https://en.wikipedia.org/wiki/Kyiv_(city))', '<a href="https://en.wikipedia.org/wiki/Kyiv_(city)">Kyiv</a>'],
    ['[x](javascript:alert(1))', '[x](javascript:alert(1))'],
    ['[x](/relative)', '[x](/relative)'],
    ['a "quote" & <tag> {{x}}', 'a &quot;quote&quot; &amp; &lt;tag&gt; {{x}}'],
    ['says [Emmanuel Macron]{lang=fr}, then', 'says <span lang="fr">Emmanuel Macron</span>, then'],
    ['[**gras** et *italique*]{lang=fr-CA}', '<span lang="fr-CA"><b>gras</b> et <i>italique</i></span>'],
    ['[**a]{lang=fr}**', '[<b>a]{lang&#x3D;fr}</b>'],
    ['[a] {lang=fr}', '[a] {lang&#x3D;fr}'],
  ])('%s → %s', (text, markup) => {
    expect(inlineMarkup(text)).toBe(markup);
  });

  it('escapes the link URL as an attribute, and percent-encodes what a PDF link may not hold', () => {
    expect(inlineMarkup('[q](https://example.org/?a=1&b="2")')).toBe('<a href="https://example.org/?a&#x3D;1&amp;b&#x3D;%222%22">q</a>');
    expect(inlineMarkup('[Київ](https://uk.wikipedia.org/wiki/Київ)')).toBe('<a href="https://uk.wikipedia.org/wiki/%D0%9A%D0%B8%D1%97%D0%B2">Київ</a>');
  });

  it('reads 5 000 `***a` runs, and emphasis nested 5 000 deep, without running out of stack', () => {
    const runs = '***a'.repeat(5_000);
    const nested = `${'*a '.repeat(5_000)}${'a* '.repeat(5_000)}`;

    const markup = inlineMarkup(runs);
    const nestedMarkup = inlineMarkup(nested);

    expect(markup.startsWith('<i><b>a</b></i>a<i><b>a</b></i>a')).toBe(true);
    expect(markup.replace(/<\/?[bi]>/g, '').replace(/\*/g, '')).toBe('a'.repeat(5_000));
    expect(nestedMarkup.match(/<i>/g)).toHaveLength(5_000);
    expect(nestedMarkup.startsWith('<i>a <i>a <i>a ')).toBe(true);
  });
});

describe('theme', () => {
  it('reads organisation, paper (any case), colours (normalised) and a PNG logo', async () => {
    const theme = await loadTheme(join(themesDir, 'with-logo'));

    expect(theme.organisation).toBe('Agence Européenne d’Information');
    expect(theme.paper).toBe('Letter');
    expect(theme.colours.primary).toBe('#0b3d2e');
    expect(theme.logo?.format).toBe('png');
    expect(theme.logoPlacement).toBe('band');
  });

  it('reports every mistake at once, each with its line and column, in file order', async () => {
    const error = await thrown(() => loadTheme(join(themesDir, 'bad-values')));
    const lines = error.message.split('\n').slice(1);

    expect([error.line, error.column]).toEqual([2, 8]);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/theme\.yaml:2:8: paper: "A3" is not a paper size \(expected A4 or Letter\)$/);
    expect(lines[1]).toMatch(/theme\.yaml:3:1: colors: unknown setting \(expected one of organisation, paper, logo, logoPlacement, font, archive, colours\)$/);
    expect(lines[2]).toMatch(/theme\.yaml:7:11: colours\.accent: is empty; in YAML a # starts a comment, so write the colour in quotes/);
    expect(lines[3]).toMatch(/theme\.yaml:8:9: colours\.text: "navy" is not a colour/);
  });

  it('refuses text colours that are hard to read on their background', async () => {
    const error = await thrown(() => loadTheme(join(themesDir, 'low-contrast')));

    expect(error.message).toMatch(/colours\.muted: #aaaaaa on the white page \(dates and the footer\) has a contrast of 2\.32:1/);
    expect(error.message).toMatch(/colours\.muted: #aaaaaa on colours\.highlight #eef2f7 \(fact labels\) has a contrast of 2\.07:1/);
  });

  it.each([
    ['fake-logo', /logo: "logo\.png" is named \.png but is not a picture the publisher knows/],
    ['logo-outside', /logo: "\.\.\/with-logo\/logo\.png" is outside the templates folder/],
    ['yaml-syntax', /theme\.yaml:3:20: not valid YAML: Missing closing "quote/],
    ['incomplete', /organisation: is missing[\s\S]*colours\.accent: is missing[\s\S]*colours\.onPrimary: is missing/],
    ['zalgo-organisation', /theme\.yaml:1:15: organisation: stacks more than 2 combining marks on one character \(character 8\); it prints in the header band of every page/],
  ])('explains what is wrong with %s', async (name, message) => {
    const error = await thrown(() => loadTheme(join(themesDir, name)));

    expect(error.template).toBe(join(themesDir, name, 'theme.yaml'));
    expect(error.message).toMatch(message);
  });

  it('says so when a templates folder has no theme', async () => {
    const error = await thrown(() => loadTheme(join(fixtures, 'uncompilable')));

    expect(error.message).toMatch(/cannot read the theme: ENOENT/);
  });
});
