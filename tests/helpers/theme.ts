import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextRun, Theme } from '../../lambdas/render/types';

/** The theme the layout, draw and deadline tests lay out with: no logo, no brand font, no archive. */
export const TEST_THEME: Theme = {
  organisation: 'Test Org',
  paper: 'A4',
  colours: { primary: '#1b2a4a', accent: '#b3401f', text: '#1f2328', muted: '#5b6370', highlight: '#eef1f6', onPrimary: '#ffffff' },
  logo: null,
  logoPlacement: 'band',
  archive: 'none',
  font: null,
};

export const textRun = (text: string, options: Partial<TextRun> = {}): TextRun => ({ kind: 'text', text, bold: false, italic: false, href: null, ...options });

const repository = new URL('../..', import.meta.url).pathname;
/** Lato (SIL OFL 1.1, tests/fixtures/fonts/Lato-OFL.txt): Latin only, no Cyrillic, no Arabic, no LRM, no U+FFFD. */
const fixtureFonts = new URL('../fixtures/fonts/', import.meta.url).pathname;

/** The theme's `font` naming the fixture's Lato faces. */
export const LATO = 'font:\n  regular: fonts/Lato_400Regular.ttf\n  bold: fonts/Lato_700Bold.ttf';

/** A copy of templates/ with the fixture fonts in fonts/ and `font` (YAML lines) in the theme. */
export function templatesWithFont(font: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'org-font-'));
  cpSync(join(repository, 'templates'), dir, { recursive: true, filter: (path) => !path.endsWith('compiled-templates.json') });
  mkdirSync(join(dir, 'fonts'));
  cpSync(fixtureFonts, join(dir, 'fonts'), { recursive: true });
  writeFileSync(join(dir, 'theme.yaml'), readFileSync(join(repository, 'templates/theme.yaml'), 'utf8').replace('paper: A4', `paper: A4\n${font}`));
  return dir;
}
