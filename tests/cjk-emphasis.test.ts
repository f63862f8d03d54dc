/**
 * `**bold**` in Chinese, Japanese and Korean, where no space stands between words: with the
 * CommonMark CJK-friendly amendments (markdown-it-cjk-friendly), `占比**23.4%**左右` is bold, not
 * printed with its stars. Text without a CJK character keeps the parser it had, token for token.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { commonMark, loadCjkCommonMark } from '../lambdas/render/commonmark';
import { inlineMarkup } from '../lambdas/render/template/inline';
import { textWithFonts } from './helpers/pdf';

const source = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text), modifiedAt: new Date('2024-01-01T00:00:00Z') });
const pdftotext = (pdf: Uint8Array): string => execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');

/** QA's cases (ja, zh) and Korean, whose particles follow a word with no space: string → its bold part. */
const BOLD_NEXT_TO_PUNCTUATION = [
  ['誘導目標を0.75％から**1.25％**に引き上げた。', '1.25％'],
  ['委員は**「時期尚早」**と述べた。', '「時期尚早」'],
  ['円相場は**138円台（一時）**まで上昇した。', '138円台（一時）'],
  ['对欧盟出口占比**23.4%**左右。', '23.4%'],
  ['国家统计局称**“新三样”**出口额首次突破1万亿元。', '“新三样”'],
  ['比亚迪**（BYD）**产能利用率创新高。', '（BYD）'],
  ['정부는 **“긴급 상황”**이라고 밝혔다.', '“긴급 상황”'],
  ['기준금리를 **3.5%**로 올렸다.', '3.5%'],
] as const;

/**
 * Strings without a CJK character: the French and English samples' kinds of emphasis, CommonMark's
 * hard cases, and ones where the amendments' code reads differently from CommonMark (a variation
 * selector or a lone surrogate beside a star), which must keep CommonMark's reading.
 */
const LATIN = [
  'Le président a parlé **1 h 45** avec *Vladimir Poutine*.',
  'Selon l’Élysée, « **aucune avancée** » n’a été faite ; voir [le communiqué](https://www.elysee.fr/).',
  'The call lasted **1 hour 45 minutes** (*Kremlin*), “**no progress**” was made.',
  '**(45 %)**de hausse, ***a** b*, *a **b** c*, **a*, *a**, a**"foo"**, **foo "*bar*" foo**',
  '*foo*bar, 5*6*78, пристаням_стремятся, *(*foo*)*, **foo*bar*baz**, foo***bar***baz',
  '\n«︎*’* →«⚠',
  '.*»*\udc00[︎—*',
  'a)(\ud800*%*',
  ' 𝐀*\udc00︎️()*',
  '⚠︎**x**y et ↔︎*a*.',
];

beforeAll(loadCjkCommonMark);

describe('template: bold next to CJK punctuation', () => {
  it.each(BOLD_NEXT_TO_PUNCTUATION)('reads %j as bold', (text, bold) => {
    expect(inlineMarkup(text)).toContain(`<b>${bold}</b>`);
    expect(inlineMarkup(text)).not.toContain('*');
  });

  it('keeps a star that closes nothing as typed in CJK text', () => {
    expect(inlineMarkup('価格は**5％上昇')).toBe('価格は**5％上昇');
  });
});

describe('template: text without a CJK character parses as before', () => {
  it('gives the same tokens with or without the CJK-friendly parser loaded', async () => {
    // Prepare: a fresh module that loads only the parser a French document loads.
    vi.resetModules();
    const before = await import('../lambdas/render/commonmark');
    await before.loadCommonMark();

    // Act
    const tokensBefore = LATIN.map((text) => before.commonMark(text).parseInline(text, {}));
    const tokensAfter = LATIN.map((text) => commonMark(text).parseInline(text, {}));

    // Assert
    expect(tokensAfter).toEqual(tokensBefore);
    // The corpus has strings that the amendments' parser reads otherwise: they check the routing.
    const cjkFriendly = commonMark('日');
    expect(LATIN.filter((text) => JSON.stringify(cjkFriendly.parseInline(text, {})) !== JSON.stringify(commonMark(text).parseInline(text, {}))).length).toBeGreaterThan(0);
  });
});

describe('render: bold in Japanese, Chinese and Korean documents', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
  });

  it.each([
    ['ja', 'NotoSansJP', BOLD_NEXT_TO_PUNCTUATION.slice(0, 3)],
    ['zh-Hans', 'NotoSansSC', BOLD_NEXT_TO_PUNCTUATION.slice(3, 6)],
    ['ko', 'NotoSansKR', BOLD_NEXT_TO_PUNCTUATION.slice(6)],
  ] as const)('prints the bold of a %s document without stars, in %s Bold', async (lang, family, cases) => {
    // Prepare: the cases as key points, which are not bold otherwise.
    const yaml = `title: 強調\ndate: 2026-03-19\nlang: ${lang}\nkey_points:\n${cases.map(([text]) => `  - ${JSON.stringify(text)}\n`).join('')}`;

    // Act
    const result = await renderer.render(source(`bold-${lang}.yaml`, yaml));
    const text = pdftotext(result.pdf).replace(/\s+/g, '');
    const drawn = await textWithFonts(result.pdf);

    // Assert: every character of the bold part drawn in bold, the one after it in regular.
    expect(result.warnings).toEqual([]);
    expect(text).not.toContain('*');
    for (const [typed, bold] of cases) {
      expect(text).toContain(typed.replace(/\*\*/g, '').replace(/\s+/g, ''));
      const after = typed.split(`**${bold}**`)[1]?.[0] as string;
      const fontsOf = (character: string) => [...new Set(drawn.filter((piece) => piece.text.includes(character)).map((piece) => piece.font))];
      // The CJK letters of the bold part that the document has nowhere else.
      const elsewhere = yaml.replace(`**${bold}**`, '');
      for (const character of [...bold].filter((character) => /[\p{sc=Han}\p{sc=Hangul}\p{sc=Hiragana}\p{sc=Katakana}]/u.test(character) && !elsewhere.includes(character))) {
        expect(fontsOf(character), `${character} of ${bold}`).toEqual([`${family}-Bold`]);
      }
      expect(fontsOf(after), `${after} after ${bold}`).toContain(`${family}-Regular`);
    }
  });
});
