import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publisherVersion } from '../infra/publisher-version';

describe('publisher version', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    // Prepare: the smallest repository the version is computed from.
    root = mkdtempSync(join(tmpdir(), 'publisher-version-'));
    write('package.json', JSON.stringify({ version: '1.4.0' }));
    write('package-lock.json', '{"lockfileVersion":3}');
    write('lambdas/publisher/handler.ts', 'export const handler = 1;');
    write('lambdas/fonts/NotoSans-Regular.ttf', 'glyphs');
    write('templates/briefing.hbs', '<document/>');
    write('templates/fonts/Brand-Regular.ttf', 'brand glyphs');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is the package version with a short content hash as build metadata', () => {
    expect(publisherVersion(root)).toMatch(/^1\.4\.0\+[0-9a-f]{12}$/);
  });

  it.each([
    ['a template', 'templates/briefing.hbs'],
    ['a font', 'lambdas/fonts/NotoSans-Regular.ttf'],
    ['the theme\'s font', 'templates/fonts/Brand-Regular.ttf'],
    ['the handler code', 'lambdas/publisher/handler.ts'],
    ['a dependency', 'package-lock.json'],
  ])('changes when %s changes', (_what, path) => {
    const before = publisherVersion(root);

    write(path, 'changed');

    expect(publisherVersion(root)).not.toBe(before);
  });

  it('changes when a template is added or renamed', () => {
    const before = publisherVersion(root);

    write('templates/brief.hbs', '<document/>');
    const added = publisherVersion(root);
    rmSync(join(root, 'templates/brief.hbs'));
    write('templates/short.hbs', '<document/>');

    expect(new Set([before, added, publisherVersion(root)]).size).toBe(3);
  });

  it('ignores dot files and files outside the shipped sources', () => {
    const before = publisherVersion(root);

    write('templates/.DS_Store', 'finder');
    write('README.md', 'docs');
    write('infra/app.ts', 'new App()');

    expect(publisherVersion(root)).toBe(before);
  });
});
