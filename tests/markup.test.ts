import { beforeAll, describe, expect, it } from 'vitest';
import { loadCommonMark } from '../lambdas/render/commonmark';
import { TemplateError } from '../lambdas/render/errors';
import { parseMarkup } from '../lambdas/render/markup';
import { loadTemplates, type TemplateSet } from '../lambdas/render/template';
import type { FilledTemplate, MarkupDocument, TextRun } from '../lambdas/render/types';
import { frenchDocument, validated } from './fixtures/templates/documents';
import { textOf } from './fixtures/templates/queries';

const brokenDir = new URL('./fixtures/templates/broken/', import.meta.url).pathname;

function filled(markup: string): FilledTemplate {
  return { file: 'content/test.yaml', template: 'test', markup, warnings: [] };
}

/** A complete factsheet around the given body, header and footer markup. */
function factsheet(body: string, furniture = ''): string {
  return `<factsheet lang="fr">\n<meta><title>Titre</title></meta>\n${furniture}<body>\n${body}\n</body>\n</factsheet>\n`;
}

function parseBody(body: string): MarkupDocument['body'] {
  return parseMarkup(filled(factsheet(body))).body;
}

function run(text: string, style: Partial<Omit<TextRun, 'kind' | 'text'>> = {}): TextRun {
  return { kind: 'text', text, bold: false, italic: false, href: null, ...style };
}

function parseError(markup: string | FilledTemplate): TemplateError {
  try {
    parseMarkup(typeof markup === 'string' ? filled(markup) : markup);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError, the markup parsed');
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): [number, number] {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return [before.length, (before[before.length - 1]?.length ?? 0) + 1];
}

// The renderer loads the CommonMark parser before the stages that need it; these tests call the stages directly.
beforeAll(loadCommonMark);

describe('markup', () => {
  describe('document', () => {
    it('reads lang, max-pages and the metadata, with emphasis and breaks flattened to plain text', () => {
      const markup = `<factsheet lang="FR-ca" max-pages="2">
        <meta>
          <title>Un <b>titre</b><br/>sur deux lignes</title>
          <author>Rédaction</author>
          <subject>Le <a href="https://example.org">résumé</a></subject>
          <keyword>Ukraine</keyword>
          <keyword>diplomatie, France</keyword>
          <keyword> </keyword>
        </meta>
        <body><p>x</p></body>
      </factsheet>`;

      const document = parseMarkup(filled(markup));

      expect(document.meta).toEqual({
        lang: 'fr-CA',
        maxPages: 2,
        title: 'Un titre sur deux lignes',
        author: 'Rédaction',
        subject: 'Le résumé',
        keywords: ['Ukraine', 'diplomatie, France'],
      });
      expect([document.header, document.footer]).toEqual([null, null]);
    });

    it('reads header and footer slots with page-number and page-count', () => {
      const furniture = `<header><left>Org</left><right>28 <i>février</i></right></header>
        <footer><center>Page <page-number/> / <page-count/></center></footer>\n`;

      const document = parseMarkup(filled(factsheet('<p>x</p>', furniture)));

      expect(document.header).toEqual({ left: [run('Org')], center: [], right: [run('28 '), run('février', { italic: true })] });
      expect(document.footer?.center).toEqual([run('Page '), { kind: 'page-number' }, run(' / '), { kind: 'page-count' }]);
    });

    it('maps every block of the dialect onto the document tree', () => {
      const body = parseBody(`
        <h1>Titre</h1><h2>Partie</h2><h3>Détail</h3>
        <p style="kicker">Diplomatie</p>
        <list><item>un</item><item level="1">sous</item><item level="2">sous-sous</item><item>deux</item></list>
        <quote><p>premier</p><p>second</p><cite>— Elysée</cite></quote>
        <box style="note"><p>note</p><list><item>dans la boîte</item></list></box>
        <grid columns="3"><fact><label>Durée</label><value>1h30</value></fact></grid>
        <table widths="1, 2.5"><head><cell>A</cell><cell>B</cell></head><row><cell>a</cell><cell></cell></row></table>`);

      expect(body).toEqual([
        { kind: 'heading', level: 1, runs: [run('Titre')] },
        { kind: 'heading', level: 2, runs: [run('Partie')] },
        { kind: 'heading', level: 3, runs: [run('Détail')] },
        { kind: 'paragraph', style: 'kicker', runs: [run('Diplomatie')] },
        {
          kind: 'list',
          items: [
            { runs: [run('un')], level: 0 },
            { runs: [run('sous')], level: 1 },
            { runs: [run('sous-sous')], level: 2 },
            { runs: [run('deux')], level: 0 },
          ],
        },
        { kind: 'quote', paragraphs: [[run('premier')], [run('second')]], cite: [run('— Elysée')] },
        { kind: 'box', style: 'note', blocks: [{ kind: 'paragraph', style: 'body', runs: [run('note')] }, { kind: 'list', items: [{ runs: [run('dans la boîte')], level: 0 }] }] },
        { kind: 'grid', columns: 3, facts: [{ label: [run('Durée')], value: [run('1h30')] }] },
        { kind: 'table', widths: [1, 2.5], header: [[run('A')], [run('B')]], rows: [[[run('a')], []]] },
      ]);
    });

    it('raises a sub-bullet that has no bullet above it, and refuses a level the dialect has not', () => {
      const body = parseBody('<list><item level="1">orphelin</item><item level="2">trop bas</item><item level="2">sous</item></list>');

      expect(body).toEqual([
        {
          kind: 'list',
          items: [
            { runs: [run('orphelin')], level: 0 },
            { runs: [run('trop bas')], level: 1 },
            { runs: [run('sous')], level: 2 },
          ],
        },
      ]);
      expect(() => parseBody('<list><item level="3">x</item></list>')).toThrow(/level="3" is not a level of <item>/);
    });

    it('drops blocks left empty by absent fields, and empty list items', () => {
      const body = parseBody(`
        <p>  </p><h2></h2><list>  </list><list><item/><item>seul</item></list>
        <quote><p/><cite>— personne</cite></quote><box style="summary"><p></p></box>
        <grid columns="2"></grid><table widths="1"><head><cell>A</cell></head></table>`);

      expect(body).toEqual([{ kind: 'list', items: [{ runs: [run('seul')], level: 0 }] }]);
    });
  });

  describe('whitespace', () => {
    it('collapses runs of whitespace to one space and trims the ends of a block', () => {
      const [paragraph] = parseBody('<p>\n   Le   président\n\t a   parlé.  \n</p>');

      expect(paragraph).toEqual({ kind: 'paragraph', style: 'body', runs: [run('Le président a parlé.')] });
    });

    it('collapses across elements, keeping one space where either side had one', () => {
      const [paragraph] = parseBody('<p>un <b> deux </b> trois<i>quatre</i> <b>cinq</b></p>');

      expect(paragraph?.kind === 'paragraph' && paragraph.runs).toEqual([
        run('un '),
        run('deux ', { bold: true }),
        run('trois'),
        run('quatre', { italic: true }),
        run(' '),
        run('cinq', { bold: true }),
      ]);
    });

    it('gives a <span lang> its own language, canonical, and leaves the runs around it in the document’s', () => {
      const [paragraph] = parseBody('<p>Il a dit <span lang="EN-gb">“<b>we</b> agree”</span>.</p>');

      expect(paragraph?.kind === 'paragraph' && paragraph.runs).toEqual([
        run('Il a dit '),
        run('“', { lang: 'en-GB' }),
        run('we', { bold: true, lang: 'en-GB' }),
        run(' agree”', { lang: 'en-GB' }),
        run('.'),
      ]);
    });

    it('turns <br/> into a line break without spaces around it', () => {
      const [paragraph] = parseBody('<p>ligne un <br/>\n  ligne deux</p>');

      expect(paragraph?.kind === 'paragraph' && paragraph.runs).toEqual([run('ligne un\nligne deux')]);
    });

    it('keeps the no-break spaces of French typography, even alone between elements', () => {
      const [paragraph] = parseBody('<p>«\u202Fcitation\u202F» : <b>oui</b>\u00A0<i>!</i></p>');

      expect(paragraph?.kind === 'paragraph' && textOf(paragraph.runs)).toBe('«\u202Fcitation\u202F» : oui\u00A0!');
    });

    it('takes a no-break space between blocks for misplaced text', () => {
      expect(() => parseBody('<p>a</p>\u00A0<p>b</p>')).toThrow('text directly inside <body>');
    });

    it('decodes entities and character references into literal text', () => {
      const [paragraph] = parseBody('<p>&lt;b&gt; &amp;amp; {{x}} &#xA0;&#8217;</p>');

      expect(paragraph?.kind === 'paragraph' && textOf(paragraph.runs)).toBe('<b> &amp; {{x}} \u00A0’');
    });

    it('gives nested links the innermost href', () => {
      const [paragraph] = parseBody('<p><a href="https://a.example/"><b>A</b> <a href="https://b.example/">B</a></a></p>');

      expect(paragraph?.kind === 'paragraph' && paragraph.runs).toEqual([
        run('A', { bold: true, href: 'https://a.example/' }),
        run(' ', { href: 'https://a.example/' }),
        run('B', { href: 'https://b.example/' }),
      ]);
    });
  });

  describe('errors', () => {
    it.each([
      ['an unknown element', '<p>ok</p>\n<paragraph>x</paragraph>', '<paragraph>', 'factsheet/body/paragraph: unknown element <paragraph>'],
      ['an element in the wrong place', '<item>x</item>', '<item>', '<item> is not allowed here'],
      ['an unknown attribute', '<p class="lead">x</p>', '<p class', '<p> has no attribute "class"'],
      ['a bad attribute value', '<p style="huge">x</p>', '<p style', 'style="huge" is not a style of <p>'],
      ['a page number in the body', '<p><page-number/></p>', '<page-number', '<page-number> is not allowed here'],
      ['a link that is not http, https or mailto', '<p><a href="javascript:alert(1)">x</a></p>', '<a href', 'is not a link a PDF reader may open'],
      ['a row with the wrong cell count', '<table widths="1,3"><row><cell>a</cell></row></table>', '<row>', '<row> has 1 cells but widths="1,3" makes 2 columns'],
      ['bad table widths', '<table widths="1,x"><row><cell>a</cell></row></table>', '<table', 'widths="1,x" is not a list of column widths'],
      ['too many grid columns', '<grid columns="7"><fact><label>a</label><value>b</value></fact></grid>', '<grid', 'columns="7" is not a whole number from 1 to 4'],
      ['text outside a paragraph', '<list>loose<item>x</item></list>', 'loose', 'text directly inside <list>'],
      ['a box in a box', '<box><box><p>x</p></box></box>', '<box><p>', 'a <box> cannot hold another <box>'],
      ['a fact without its value', '<grid><fact><label>a</label></fact></grid>', '<fact>', '<fact> holds <label>'],
      ['a span without its language', '<p><span>x</span></p>', '<span>', '<span> needs a lang'],
      ['a span in no language', '<p><span lang="fr_FR">x</span></p>', '<span lang', 'lang="fr_FR" is not a language tag'],
    ])('reports %s with its line, column, element path and a snippet', (_case, body, at, message) => {
      const markup = factsheet(body);

      const error = parseError(markup);

      expect([error.line, error.column]).toEqual(positionOf(markup, at));
      expect(error.template).toBe('test.hbs (filled markup for content/test.yaml)');
      expect(error.message).toContain(`${message}, near: `);
      expect(error.message.split('near: ')[1]).toContain(at);
    });

    it.each([
      ['an unclosed tag', '<p>un\n<p>deux</p>', '</body>', '</body> comes while <p> (opened at 4:1) is still open'],
      ['an unknown entity', '<p>a&nbsp;b</p>', ';b', 'unknown entity'],
      ['a stray closing tag', '<p>x</p>\n</list>', '</list>', '</list> comes while <body>'],
    ])('stops at the first well-formedness error: %s', (_case, body, at, message) => {
      const markup = factsheet(body);

      const error = parseError(markup);

      expect([error.line, error.column]).toEqual(positionOf(markup, at));
      expect(error.message).toContain(message);
    });

    it('reports every dialect problem of the markup together', () => {
      const markup = factsheet('<p style="huge">x</p>\n<lsit><item>x</item></lsit>\n<table><row><cell>a</cell></row></table>');

      const error = parseError(markup);
      const problems = error.message.split('\n').slice(1);

      expect(error.message).toMatch(/^test\.hbs \(filled markup for content\/test\.yaml\):4:1: the filled markup does not follow the template dialect \(3 problems\):/);
      expect(problems.map((line) => /:(\d+):(\d+): /.exec(line)?.slice(1, 3).map(Number))).toEqual([
        positionOf(markup, '<p style'),
        positionOf(markup, '<lsit>'),
        positionOf(markup, '<table>'),
      ]);
    });

    it.each([
      ['no lang', '<factsheet><meta><title>t</title></meta><body/></factsheet>', '<factsheet> needs a lang'],
      ['a bad lang', '<factsheet lang="not a tag"><meta><title>t</title></meta><body/></factsheet>', 'lang="not a tag" is not a language tag'],
      ['no title', '<factsheet lang="en"><meta><title> </title></meta><body/></factsheet>', '<meta> needs a non-empty <title>'],
      ['no body', '<factsheet lang="en"><meta><title>t</title></meta></factsheet>', '<factsheet> has no <body>'],
      ['parts out of order', '<factsheet lang="en"><meta><title>t</title></meta><body/><header/></factsheet>', '<header> is repeated or out of order'],
      ['another root', '<document lang="en"/>', 'the markup must start with <factsheet>, not <document>'],
      ['a DOCTYPE', '<!DOCTYPE factsheet><factsheet lang="en"/>', 'a DOCTYPE is not part of the dialect'],
    ])('checks the document frame: %s', (_case, markup, message) => {
      expect(parseError(markup).message).toContain(message);
    });

    describe('of the broken fixture templates', () => {
      let broken: TemplateSet;
      beforeAll(async () => {
        broken = await loadTemplates(brokenDir);
      });

      it.each([
        ['unclosed-tag', '</body>', '</body> comes while <p> (opened at 5:3) is still open'],
        ['bad-attribute', '<p style="huge">', 'factsheet/body/p: style="huge" is not a style of <p>, near: <p style="huge">'],
      ])('%s: reports line and column in the filled markup', (template, at, message) => {
        const result = broken.fill(validated({ ...frenchDocument, template }));

        const error = parseError(result);

        expect([error.line, error.column]).toEqual(positionOf(result.markup, at));
        expect(error.message).toContain(message);
      });

      it('locates an unknown element in the filled markup, naming the template', () => {
        const result = broken.fill(validated({ ...frenchDocument, template: 'unknown-element' }));

        const error = parseError(result);

        expect(error.template).toBe('unknown-element.hbs (filled markup for content/fr.yaml)');
        expect([error.line, error.column]).toEqual(positionOf(result.markup, '<fakt>'));
        expect(error.message).toContain('factsheet/body/grid/fakt: unknown element <fakt>, near: <fakt><label>Length</label>');
        expect(error.message).toContain('(expected one of <fact>)');
      });
    });
  });
});
