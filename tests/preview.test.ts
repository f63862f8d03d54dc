/**
 * The live preview: its server refuses every path outside the folder it serves, and in a real
 * browser (playwright-core driving Debian's Chromium) the page follows the editor's saves.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PreviewServer, startPreview } from '../preview/server';
import { readPdf } from './helpers/pdf';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOMMET = readFileSync(join(ROOT, 'tests/fixtures/events/uploads/sommet.yaml'), 'utf8');
const TITLE = 'Sommet « exceptionnel » de l’Union européenne à Bruxelles';
/**
 * What a save may take to reach the screen here. The promise is a second, and this test
 * prints each figure (docs/preview.md: 140–570 ms at load 5–18); under the whole suite on the two
 * shared cores (load 27) a save took up to 2.2 s, so the limit that always holds for each save
 * is 3 s; the middle of the five must still be within the second.
 */
const RELOAD_LIMIT_MS = 3_000;

interface Workspace {
  readonly dir: string;
  readonly documents: string;
  readonly templates: string;
}

function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'preview-test-'));
  const documents = join(dir, 'documents');
  const templates = join(dir, 'templates');
  mkdirSync(join(documents, 'world'), { recursive: true });
  cpSync(join(ROOT, 'templates'), templates, { recursive: true });
  writeFileSync(join(documents, 'world', 'sommet.yaml'), SOMMET);
  return { dir, documents, templates };
}

const preview = (space: Workspace, path = space.documents) =>
  startPreview({ path, templatesDir: space.templates, fontsDir: join(ROOT, 'lambdas/fonts'), port: 0 });

describe('preview server', () => {
  let space: Workspace;
  let server: PreviewServer;

  beforeAll(async () => {
    // Prepare: a secret beside the served folder, and a link inside it that leads there.
    space = workspace();
    writeFileSync(join(space.dir, 'secret.yaml'), 'title: secret\n');
    symlinkSync(join(space.dir, 'secret.yaml'), join(space.documents, 'link.yaml'));
    writeFileSync(join(space.documents, 'notes.html'), '<p>not a document</p>');
    server = await preview(space);
  });
  afterAll(async () => {
    await server.close();
    rmSync(space.dir, { recursive: true, force: true });
  });

  it.each([
    ['a parent folder', () => '../secret.yaml'],
    ['an encoded parent folder', () => '%2e%2e%2fsecret.yaml'],
    ['a deeper way out', () => 'world/../../secret.yaml'],
    ['an absolute path, even to a document inside', () => encodeURIComponent(join(space.documents, 'world', 'sommet.yaml'))],
    ['/etc/passwd', () => '%2Fetc%2Fpasswd'],
    ['a link that leads out', () => 'link.yaml'],
    ['a file that is not a document', () => 'notes.html'],
    ['nothing', () => ''],
  ])('refuses %s with 403', async (_what, asked) => {
    for (const endpoint of ['status', 'pdf']) {
      // Act
      const response = await fetch(`${server.url}api/${endpoint}?doc=${asked()}`);

      // Assert
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toMatch(/is not a document inside the folder this preview serves$/);
    }
  });

  it('lists the documents of the folder and serves one as a PDF', async () => {
    // Act
    const listing = (await (await fetch(`${server.url}api/documents`)).json()) as { documents: string[] };
    const pdf = await fetch(`${server.url}api/pdf?doc=world%2Fsommet.yaml`);

    // Assert
    expect(listing.documents).toEqual(['link.yaml', 'world/sommet.yaml']);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('shows a document with pictures, read from the folder it serves', async () => {
    // Prepare
    for (const file of ['figures.yaml', 'photo.jpg', 'map.png']) cpSync(join(ROOT, 'tests/fixtures/images', file), join(space.documents, 'pictures', file));

    // Act
    const status = (await (await fetch(`${server.url}api/status?doc=pictures%2Ffigures.yaml`)).json()) as { kind: string; message?: string };
    const pdf = await fetch(`${server.url}api/pdf?doc=pictures%2Ffigures.yaml`);

    // Assert
    expect(status).toMatchObject({ kind: 'rendered', warnings: [] });
    expect((await readPdf(Buffer.from(await pdf.arrayBuffer()))).text).toContain('The meeting place, east of the river.');
  });

  it('serving one file, refuses its neighbours', async () => {
    const single = await preview(space, join(space.documents, 'world', 'sommet.yaml'));
    try {
      writeFileSync(join(space.documents, 'world', 'other.yaml'), SOMMET);

      const listing = (await (await fetch(`${single.url.replace(/\?.*$/, '')}api/documents`)).json()) as { documents: string[] };
      const neighbour = await fetch(`${single.url.replace(/\?.*$/, '')}api/status?doc=other.yaml`);

      expect(listing.documents).toEqual(['sommet.yaml']);
      expect(single.url).toMatch(/\?doc=sommet\.yaml$/);
      expect(neighbour.status).toBe(403);
    } finally {
      await single.close();
    }
  });
});

describe('preview in a real browser', () => {
  let space: Workspace;
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  const documentFile = () => join(space.documents, 'world', 'sommet.yaml');
  /** The text pdf.js put in the pages' text layers: what the rendered PDF says. */
  const renderedText = () => page.locator('#pages').innerText();

  beforeAll(async () => {
    space = workspace();
    server = await preview(space);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('#pages .textLayer', { hasText: 'Bruxelles' }).first().waitFor({ timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(space.dir, { recursive: true, force: true });
  });

  it('shows the document list and the fact sheet', async () => {
    expect(await page.locator('#documents a').allInnerTexts()).toEqual(['world/sommet.yaml']);
    expect(await page.locator('#summary').innerText()).toMatch(/^world\/sommet\.yaml: briefing, \d page\(s\), rendered in \d+ ms, no warnings$/);
    expect((await renderedText()).replace(/\s+/g, ' ')).toContain('Sommet « exceptionnel » de l’Union');
  });

  /** Saves, then waits (checked on every frame in the page) until the rendered pages say `text`: the ms between. */
  async function msUntilShown(save: () => void, text: string): Promise<number> {
    const saved = performance.now();
    save();
    const expression = `document.getElementById('pages').innerText.replace(/\\s+/g, ' ').includes(${JSON.stringify(text)})`;
    await page.waitForFunction(expression, undefined, { polling: 'raf', timeout: 10_000 });
    return performance.now() - saved;
  }

  const edit = (path: string, change: (text: string) => string) => () => writeFileSync(path, change(readFileSync(path, 'utf8')));

  const shownAfter: number[] = [];
  it.each([
    ['the document', () => documentFile(), (text: string) => text.replace(TITLE, 'Sommet extraordinaire à Bruxelles'), 'Sommet extraordinaire à Bruxelles'],
    ['the document, again', () => documentFile(), (text: string) => text.replace('Sommet extraordinaire', 'Sommet ordinaire'), 'Sommet ordinaire à Bruxelles'],
    ['a partial', () => join(space.templates, 'partials', 'headline.hbs'), (text: string) => `${text}<p>Édition du soir</p>\n`, 'Édition du soir'],
    ['a template', () => join(space.templates, 'briefing.hbs'), (text: string) => text.replace('{{> headline}}', '{{> headline}}\n<p>Tirage spécial</p>'), 'Tirage spécial'],
    ['the theme', () => join(space.templates, 'theme.yaml'), (text: string) => text.replace('organisation: Factsheet Publisher', 'organisation: Rédaction du Nord'), 'Rédaction du Nord'],
  ])('shows what %s now says soon after the save (figure printed)', async (what, file, change, expected) => {
    // Act
    const shownAfterMs = await msUntilShown(edit(file(), change), expected);

    // Assert
    console.log(`preview: ${what} saved, shown ${Math.round(shownAfterMs)} ms later`);
    shownAfter.push(shownAfterMs);
    expect(shownAfterMs).toBeLessThan(RELOAD_LIMIT_MS);
  });

  it("keeps the issue's second for the middle save of the five", () => {
    const middle = shownAfter.toSorted((a, b) => a - b)[2];

    expect(shownAfter).toHaveLength(5);
    expect(middle).toBeLessThan(1_000);
  });

  it('lists a warning in words, with its field and position', async () => {
    writeFileSync(documentFile(), `${SOMMET}sumary: typo\n`);

    await expect.poll(() => page.locator('#warnings li').allInnerTexts(), { timeout: 10_000 }).toEqual([
      expect.stringMatching(/^world\/sommet\.yaml:\d+:1: sumary: unknown field, ignored \(did you mean "summary"\?\)/),
    ]);
  });

  it('shows a broken template’s located message, then the fact sheet again once it is fixed', async () => {
    // Prepare
    const briefing = join(space.templates, 'briefing.hbs');
    const good = readFileSync(briefing, 'utf8');

    // Act: a brace goes missing on line 6
    writeFileSync(briefing, good.replace('{{> headline}}', '{{> headline}'));

    // Assert
    const problem = page.locator('#problems pre[role="alert"]');
    await expect.poll(() => problem.innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/briefing\.hbs:6:1: Handlebars syntax error/);
    expect(await page.locator('#pages').innerText()).toBe('');

    // Act: fixed
    writeFileSync(briefing, good);

    // Assert
    await expect.poll(renderedText, { timeout: 10_000 }).toContain('Bruxelles');
    expect(await page.locator('#problems').innerText()).toBe('');
  });
});
