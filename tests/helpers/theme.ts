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
