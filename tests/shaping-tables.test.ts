/**
 * build/shaping-tables.py, run on a small font made for the test, against fontkit's own layout of
 * that font: the tables it writes must shape simple words to the same glyphs and positions, and
 * must leave to fontkit what they cannot reproduce.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FONTS_DIR, type GlyphRun } from '../lambdas/render/fonts';
import { ShapingTables, type ShapingTableFile } from '../lambdas/render/fonts/shaping-tables';

const ROOT = join(import.meta.dirname, '..');
/** Kerned pairs (AV, To, Wa, «V), the fi/fl ligatures, precomposed letters. */
const WORDS = ['AVA', 'To', 'Wave', 'fil', 'fief', '«Vif»', 'l’été', 'yo-yo', 'Té ', 'AV AV'];
/** The font keeps the words' letters and one letter Noto decomposes (ẹ). */
const TEXT = `${WORDS.join('')}ẹ`;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
}

function drawn(shaped: GlyphRun) {
  return {
    glyphs: shaped.glyphs.map((glyph) => [glyph.id, glyph.advanceWidth, [...glyph.codePoints]]),
    positions: shaped.positions.map(({ xAdvance, yAdvance, xOffset, yOffset }) => [xAdvance, yAdvance, xOffset, yOffset]),
  };
}

describe('shaping-table generator', () => {
  let dir: string;
  let table: ShapingTableFile;
  let reference: { layout(text: string): GlyphRun; head: { checkSumAdjustment: number } };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shaping-tables-'));
    const font = join(dir, 'small.ttf');
    const out = join(dir, 'small.shaping.json');
    run('pyftsubset', [join(DEFAULT_FONTS_DIR, 'NotoSans-Regular.ttf'), `--text=${TEXT}`, "--layout-features=*", '--notdef-outline', `--output-file=${font}`]);
    run('/usr/bin/python3', ['build/shaping-tables.py', font, out]);
    table = JSON.parse(await readFile(out, 'utf8')) as ShapingTableFile;
    reference = fontkit.create(await readFile(font)) as typeof reference;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes tables of the font it read, which shape simple words exactly as fontkit does', () => {
    // Prepare
    const tables = new ShapingTables(table);

    for (const word of WORDS) {
      // Act
      const shaped = tables.shape(word);

      // Assert
      expect(shaped, word).not.toBeNull();
      expect(drawn(shaped as GlyphRun), word).toEqual(drawn(reference.layout(word)));
    }
    expect(table.checkSumAdjustment).toBe(reference.head.checkSumAdjustment);
  });

  it('writes the kerning and the ligatures the font has', () => {
    const tables = new ShapingTables(table);

    const kerned = tables.shape('AV');
    const ligature = tables.shape('fi');

    expect(kerned?.positions[0]?.xAdvance).toBeLessThan(kerned?.glyphs[0]?.advanceWidth as number);
    expect(ligature?.glyphs).toHaveLength(1);
    expect(ligature?.glyphs[0]?.codePoints).toEqual([0x66, 0x69]);
  });

  it('lists as complex the letter the font decomposes, so that fontkit shapes it', () => {
    const tables = new ShapingTables(table);

    expect(table.complex).toContain(0x1eb9);
    expect(tables.shape('ẹ')).toBeNull();
    expect(reference.layout('ẹ').glyphs.length).toBeGreaterThan(1);
  });
});
