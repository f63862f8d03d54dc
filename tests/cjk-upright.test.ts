/**
 * Captions and quotes are italic in the templates; in Chinese, Japanese and Korean documents the
 * CJK fonts have no italic, so the digits and Latin letters among the ideographs are set upright
 * too (docs/rendering.md, "Chinese, Japanese and Korean").
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { folderImages } from '../client/image-files';
import { createRenderer, type Renderer } from '../lambdas/render';
import { textWithFonts } from './helpers/pdf';

const imagesDir = new URL('./fixtures/images/', import.meta.url).pathname;

describe('template: captions and quotes upright in Chinese, Japanese and Korean', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
  });

  it.each([
    { lang: 'zh-Hans', caption: '10月14日，上海洋山港，等待装船出口的BYD新能源汽车。', quote: '我们已于10月14日与BYD签约。' },
    { lang: 'ja', caption: '10月14日、横浜港で船積みを待つBYDの電気自動車。', quote: '10月14日にBYDと契約した。' },
    { lang: 'ko', caption: '10월 14일 부산항에서 선적을 기다리는 BYD 전기차.', quote: '10월 14일 BYD와 계약했다.' },
    { lang: 'en', caption: 'BYD cars waiting at Shanghai on 14 October.', quote: 'We signed with BYD on 14 October.' },
  ])('draws the $lang caption\'s and quote\'s digits and Latin letters in the upright face only where the language is written in Han', async ({ lang, caption, quote }) => {
    // Prepare
    const file = join(imagesDir, `${lang}.yaml`);
    const yaml = [
      'title: Caption',
      'date: 2026-10-15',
      `lang: ${lang}`,
      'summary: S',
      'quotes:',
      `  - text: ${quote}`,
      'images:',
      '  - src: photo.jpg',
      '    alt: A',
      `    caption: ${caption}`,
      '',
    ].join('\n');

    // Act
    const result = await renderer.render({ name: file, bytes: new TextEncoder().encode(yaml), modifiedAt: new Date(0) }, { images: folderImages(imagesDir, file) });
    const drawn = await textWithFonts(result.pdf);

    // Assert: every piece holding the digits or BYD, in the caption and in the quote (Korean
    // draws the digits beside Hangul in Noto Sans KR, "14일"; Chinese and Japanese in Noto Sans).
    const latin = drawn.filter((piece) => /14|BYD/.test(piece.text));
    expect(latin.filter((piece) => piece.text.includes('BYD')), JSON.stringify(drawn)).toHaveLength(2);
    const fonts = latin.map((piece) => piece.font);
    if (lang === 'en') expect(fonts).toEqual(['NotoSans-Italic', 'NotoSans-Italic']);
    else expect(fonts.filter((font) => font.includes('Italic')), JSON.stringify(latin)).toEqual([]);
  });
});
