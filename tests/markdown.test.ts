import { tests as specExamples } from 'commonmark-spec';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { loadCommonMark } from '../lambdas/render/commonmark';
import { DocumentSyntaxError } from '../lambdas/render/errors';
import { parseSource } from '../lambdas/render/parse';
import { inlineMarkup } from '../lambdas/render/template/inline';
import { fold, readPdf } from './helpers/pdf';

const FRONT_MATTER = '---\ndate: 2022-02-28\n---\n';
const source = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text), modifiedAt: new Date('2022-03-01T00:00:00Z') });
const read = async (body: string): Promise<Document> => (await parseSource(source('doc.md', `${FRONT_MATTER}${body}`))).data as Document;

interface Document {
  readonly title?: string;
  readonly summary?: string;
  readonly key_points?: unknown[];
  readonly sections?: { heading: string; body?: string[]; bullets?: unknown[] }[];
  readonly quotes?: { text: string; speaker?: string; context?: string }[];
}

beforeAll(loadCommonMark);

describe('parse: the five Markdown cases of issue 12', () => {
  it('keeps `## x` inside a fenced code block as text, not a section', async () => {
    const data = await read('## Code\n\n```\n## not a heading\n*not italic*\n```\n');

    expect(data.sections).toEqual([{ heading: 'Code', body: ['## not a heading \\*not italic\\*'] }]);
    expect(inlineMarkup(data.sections?.[0]?.body?.[0] ?? '')).toBe('## not a heading *not italic*');
  });

  it('reads setext headings: `===` is the title, `---` a section', async () => {
    const text = `${FRONT_MATTER}\nThe title\n=========\n\nA section\n---------\n\nIts text.\n`;

    const parsed = await parseSource(source('setext.md', text));

    expect(parsed.data).toMatchObject({ title: 'The title', sections: [{ heading: 'A section', body: ['Its text.'] }] });
    expect(parsed.positions.get('title')).toEqual({ line: 5, column: 1 });
    expect(parsed.positions.get('sections[0].heading')).toEqual({ line: 8, column: 1 });
  });

  it('keeps a lazy continuation line inside its quote, so `> — Speaker` still names the speaker', async () => {
    const data = await read('> We will go on\nwith the talks.\n> — Mykhailo Podolyak, in Kyiv\n');

    expect(data.quotes).toEqual([{ text: 'We will go on with the talks.', speaker: 'Mykhailo Podolyak', context: 'in Kyiv' }]);
  });

  it('prints `\\*x\\*` as *x*, with the stars and without the backslashes', async () => {
    const renderer: Renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });

    const result = await renderer.render(source('escapes.md', `${FRONT_MATTER}# Escapes\n\nA \\*starred\\* word and a \\[bracket\\].\n`));
    const pdf = await readPdf(result.pdf);

    expect(fold(pdf.text)).toContain('A *starred* word and a [bracket].');
    expect(pdf.text).not.toContain('\\');
  });

  it('keeps nested lists as sub-bullets, each placed where its text is', async () => {
    const text = '## Sanctions\n\n- Banks\n  - SWIFT\n  - reserves\n    1. gold\n- Oligarchs\n\n# Key\n';
    const parsed = await parseSource(source('nested.md', `- Talks\n  * in Minsk\n\n${text}`));

    expect(parsed.data).toMatchObject({
      key_points: [{ text: 'Talks', bullets: ['in Minsk'] }],
      sections: [{ heading: 'Sanctions', bullets: [{ text: 'Banks', bullets: ['SWIFT', { text: 'reserves', bullets: ['1. gold'] }] }, 'Oligarchs'] }, { heading: 'Key' }],
    });
    expect(parsed.positions.get('key_points[0].bullets[0]')).toMatchObject({ line: 2, column: 5 });
    expect(parsed.positions.get('sections[0].bullets[0].bullets[1].bullets[0]')).toMatchObject({ line: 9, column: 8 });
    expect(parsed.positions.get('sections[0].bullets[1]')).toMatchObject({ line: 10, column: 3 });
  });

  it('inside a numbered item, a nested list still follows its parent led by a dash (numbered items are paragraphs)', async () => {
    const data = await read('## Steps\n\n1. Call\n   - Paris\n');

    expect(data.sections?.[0]?.body).toEqual(['1. Call', '– Paris']);
  });

  it('refuses quotes nested too deeply for the parser, instead of losing their text', async () => {
    let error: unknown;
    try {
      await read(`${'>'.repeat(60)} deep\n`);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(DocumentSyntaxError);
    expect((error as DocumentSyntaxError).problems[0]).toMatchObject({ line: 4 });
    expect((error as DocumentSyntaxError).problems[0]?.message).toContain('nested more than');
  });
});

describe('render: the CommonMark parser is loaded only by what needs it', () => {
  it('renders plain strings without markdown-it, and loads it for emphasis and for Markdown files', async () => {
    // Prepare: a fresh engine whose markdown-it import fails.
    vi.resetModules();
    vi.doMock('markdown-it', () => {
      throw new Error('markdown-it was imported');
    });
    try {
      const fresh = await import('../lambdas/render');
      const renderer = await fresh.createRenderer();

      // Act
      const plain = await renderer.render(source('plain.yaml', 'title: Plain\ndate: 2022\nsummary: No emphasis, a & b, <b>.\n'));

      // Assert
      expect(plain.pages).toBe(1);
      await expect(renderer.render(source('bold.yaml', 'title: Bold\ndate: 2022\nsummary: Some **emphasis**.\n'))).rejects.toThrow(/error when mocking a module/);
      await expect(renderer.render(source('doc.md', `${FRONT_MATTER}# Plain title\n`))).rejects.toThrow(/error when mocking a module/);
    } finally {
      vi.doUnmock('markdown-it');
      vi.resetModules();
    }
  });
});

/** Spec HTML and our markup, reduced to the same alphabet: our element names, no entities. */
function normalised(html: string): string {
  return html
    // A string is one line: a hard line break is a space, as a soft one is.
    .replace(/<br \/>/g, ' ')
    .replace(/<(\/?)em>/g, '<$1i>')
    .replace(/<(\/?)strong>/g, '<$1b>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const textOf = (html: string): string => normalised(html.replace(/<[^>]*>/g, ' '));

/** The top-level elements of an HTML fragment, with what is inside each. */
function topLevel(html: string): { tag: string; inner: string }[] {
  const elements: { tag: string; inner: string }[] = [];
  const tags = /<(\/?)([a-z0-9]+)[^>]*?(\/?)>/g;
  let depth = 0;
  let start = 0;
  let tag = '';
  for (const match of html.matchAll(tags)) {
    const [whole, closing, name = '', selfClosing] = match;
    if (selfClosing === '/' || name === 'hr' || name === 'br') {
      if (depth === 0) elements.push({ tag: name, inner: '' });
      continue;
    }
    if (closing === '') {
      if (depth === 0) {
        tag = name;
        start = match.index + whole.length;
      }
      depth += 1;
    } else {
      depth -= 1;
      if (depth === 0) elements.push({ tag, inner: html.slice(start, match.index) });
    }
  }
  return elements;
}

interface ItemNode {
  text: string;
  readonly children: ItemNode[];
}

/**
 * Each <li>'s own text (without its nested lists) with its depth, in the order the items open. An
 * item with no text of its own gives its place to its nested items, as the Markdown reader does.
 */
function itemTexts(html: string): { text: string; depth: number }[] {
  const roots: ItemNode[] = [];
  const open: ItemNode[] = [];
  for (const piece of html.split(/(<\/?li>)/)) {
    if (piece === '<li>') {
      const node: ItemNode = { text: '', children: [] };
      (open[open.length - 1]?.children ?? roots).push(node);
      open.push(node);
    } else if (piece === '</li>') open.pop();
    else if (open.length > 0) (open[open.length - 1] as ItemNode).text += ` ${piece}`;
  }
  const flat = (nodes: readonly ItemNode[], depth: number): { text: string; depth: number }[] =>
    nodes.flatMap((node) => {
      const text = textOf(node.text);
      return text === '' ? flat(node.children, depth) : [{ text, depth }, ...flat(node.children, depth + 1)];
    });
  return flat(roots, 0);
}

/** Our bullets, sub-bullets after their parent, with their depth. */
function bulletTexts(bullets: readonly unknown[], depth = 0): { text: string; depth: number }[] {
  return bullets.flatMap((bullet) => {
    if (typeof bullet === 'string') return [{ text: bullet, depth }];
    const { text, bullets: below } = bullet as { text: string; bullets: unknown[] };
    return [{ text, depth }, ...bulletTexts(below, depth + 1)];
  });
}

/** What the content format has no room for, and so prints as typed rather than as CommonMark says. */
const OUTSIDE_THE_FORMAT = /[_`<&]|!\[|\]:|\t|^ {4}|\n {4}/;
/** The spec writes a tab as →. */
const examples = specExamples
  .map((example) => ({ ...example, markdown: example.markdown.replace(/→/g, '\t'), html: example.html.replace(/→/g, '\t') }))
  .filter((example) => !OUTSIDE_THE_FORMAT.test(example.markdown) && !example.html.includes('<img'));
const inSections = (...sections: string[]) => examples.filter((example) => sections.includes(example.section));
const asLinksWeKeep = (html: string) => [...html.matchAll(/<a href="([^"]*)"/g)].every((match) => /^(?:https?:\/\/|mailto:)/.test(match[1] ?? ''));

describe("template: CommonMark's own examples of the inline constructs the format maps", () => {
  const inline = inSections('Emphasis and strong emphasis', 'Links', 'Backslash escapes').filter(
    (example) => /^<p>[\s\S]*<\/p>\n$/.test(example.html) && topLevel(example.html).length === 1 && !example.markdown.includes('\n\n') && asLinksWeKeep(example.html) && !example.html.includes(' title='),
  );

  it('has examples of every construct to check', () => {
    expect(inline.filter((example) => example.section === 'Emphasis and strong emphasis').length).toBeGreaterThan(50);
    expect(inline.filter((example) => example.section === 'Links').length).toBeGreaterThan(5);
    expect(inline.filter((example) => example.section === 'Backslash escapes').length).toBeGreaterThan(1);
  });

  it.each(inline.map((example) => [example.number, example.markdown, example] as const))('example %i: %j', (_number, _markdown, example) => {
    const expected = normalised(example.html.replace(/^<p>|<\/p>\n$/g, ''));

    expect(normalised(inlineMarkup(example.markdown.replace(/\n$/, '')))).toBe(expected);
  });
});

describe("parse: CommonMark's own examples of the blocks the format maps", () => {
  const blocks = inSections('ATX headings', 'Setext headings', 'Block quotes', 'List items', 'Lists', 'Fenced code blocks', 'Thematic breaks', 'Paragraphs').filter(
    (example) => asLinksWeKeep(example.html),
  );

  const parsedOrNull = async (markdown: string): Promise<Document | null> => {
    try {
      return await read(markdown);
    } catch (error) {
      // A heading nobody wrote text for, or quotes before any section: the format's errors, not the parser's.
      if (error instanceof DocumentSyntaxError) return null;
      throw error;
    }
  };

  it('has examples of every construct to check', () => {
    expect(blocks.length).toBeGreaterThan(100);
  });

  it.each(blocks.map((example) => [example.number, example.section, example.markdown, example] as const))(
    'example %i (%s): %j',
    async (_number, _section, _markdown, example) => {
      const elements = topLevel(example.html);
      const data = await parsedOrNull(example.markdown);
      if (data === null) {
        // Only a second `# title`-like contradiction or misplaced text can refuse: never the plain case.
        expect(elements.some((element) => element.tag === 'h1')).toBe(true);
        return;
      }

      const headings = elements.filter((element) => element.tag === 'h1' || element.tag === 'h2').map((element) => normalised(element.inner));
      const ours = [...(data.title === undefined ? [] : [data.title]), ...(data.sections ?? []).map((section) => section.heading)];
      expect(ours.map((heading) => normalised(inlineMarkup(heading)))).toEqual(headings);

      const quotes = elements.filter((element) => element.tag === 'blockquote');
      expect(data.quotes ?? []).toHaveLength(quotes.length);
      // Numbered items keep their number in our text; the HTML has it in <ol>.
      const quoteTexts = quotes.map((element) => (element.inner.includes('<ol') ? null : textOf(element.inner)));
      expect((data.quotes ?? []).map((quote, index) => (quoteTexts[index] === null ? null : textOf(inlineMarkup(quote.text))))).toEqual(quoteTexts);

      const listItems = elements.filter((element) => element.tag === 'ul').flatMap((element) => itemTexts(element.inner));
      const bullets = bulletTexts([...(data.key_points ?? []), ...(data.sections ?? []).flatMap((section) => section.bullets ?? [])]);
      // A nested numbered item keeps its number in our text; the HTML has it in <ol>.
      expect(bullets.map(({ text, depth }) => ({ text: textOf(inlineMarkup(text.replace(/^\d+[.)] /, ''))), depth }))).toEqual(listItems);

      const code = elements.filter((element) => element.tag === 'pre').map((element) => textOf(element.inner));
      const paragraphs = [...(data.summary === undefined ? [] : data.summary.split('\n\n')), ...(data.sections ?? []).flatMap((section) => section.body ?? [])];
      const texts = paragraphs.map((paragraph) => textOf(inlineMarkup(paragraph)));
      for (const block of code.filter((text) => text !== '')) expect(texts).toContain(block);
    },
  );
});

describe('render: sub-bullets on the page', () => {
  it('indents each level, marks sub-bullets with a dash, and tags them as a list inside their item', async () => {
    // Prepare
    const renderer = await createRenderer();
    const markdown = `${FRONT_MATTER}# Sanctions\n\n- Banks\n  - SWIFT\n    - gold reserves\n- Oligarchs\n`;

    // Act
    const { pdf, warnings } = await renderer.render(source('sanctions.md', markdown));

    // Assert: read back with pdf.js, where each word starts on the page and the structure tree
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
    const page = await document.getPage(1);
    const items = (await page.getTextContent()).items.flatMap((item) => ('str' in item && item.str.trim() !== '' ? [{ text: item.str.trim(), x: item.transform[4] as number }] : []));
    const xOf = (text: string) => items.find((item) => item.text.startsWith(text))?.x ?? Number.NaN;
    type Node = { role?: string; children?: Node[] };
    const rolePaths = (node: Node, above: string[] = []): string[] => {
      const path = node.role === undefined ? above : [...above, node.role];
      return [path.join('/'), ...(node.children ?? []).flatMap((child) => rolePaths(child, path))];
    };
    const roles = rolePaths((await page.getStructTree()) as Node);
    await document.destroy();

    expect(warnings).toEqual([]);
    expect(xOf('SWIFT') - xOf('Banks')).toBeCloseTo(14, 0);
    expect(xOf('gold') - xOf('SWIFT')).toBeCloseTo(14, 0);
    expect(xOf('Oligarchs')).toBeCloseTo(xOf('Banks'), 1);
    expect(items.filter((item) => item.text === '–')).toHaveLength(2);
    expect(items.filter((item) => item.text === '•')).toHaveLength(2);
    expect(roles.some((path) => /\/L\/LI\/LBody\/L\/LI\/LBody\/L\/LI\/LBody$/.test(path))).toBe(true);
  });
});
