/**
 * The page bench/chromium.ts hands to headless Chromium carries the headings our briefing
 * template prints, in the document's language, so that the two engines typeset the same text.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFactsheetHtml } from '../bench/chromium';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'chromium-html-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** The HTML page of a document in `lang` with a context paragraph. */
function pageIn(lang: string): string {
  const document = join(directory, `${lang}.yaml`);
  writeFileSync(document, `lang: ${lang}\ntitle: T\ndate: 2022-02-28\ncontext: C\n`);
  writeFactsheetHtml(document, join(directory, `${lang}.html`));
  return readFileSync(join(directory, `${lang}.html`), 'utf8');
}

describe('the Chromium benchmark’s page', () => {
  it.each([
    ['en', 'Background'],
    ['fr', 'Contexte'],
    ['fr-CA', 'Contexte'],
    ['ar', 'خلفية'],
    ['zh-TW', '背景'],
    ['sw', 'Background'],
  ])('heads the context of a %s document as the briefing template does: %s', (lang, heading) => {
    expect(pageIn(lang)).toContain(`<h2>${heading}</h2><p>C</p>`);
  });
});
