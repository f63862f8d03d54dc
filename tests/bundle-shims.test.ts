import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { commonMark, loadCommonMark } from '../lambdas/render/commonmark';
import decompress from '../lambdas/bundle-shims/brotli-decompress.js';
import LazyUnicodeTrie from '../lambdas/bundle-shims/lazy-unicode-trie.js';
import { LinkifyIt } from '../lambdas/bundle-shims/linkify-it.js';
import { cbc, ecb } from '../lambdas/bundle-shims/noble-aes.js';

interface Trie {
  get(codePoint: number): number;
}
const require = createRequire(import.meta.url);
const UnicodeTrie = require('unicode-trie') as new (data: Uint8Array) => Trie;
const UnicodeTrieBuilder = require('unicode-trie/builder') as new (initialValue: number, errorValue: number) => {
  set(codePoint: number, value: number): void;
  setRange(start: number, end: number, value: number, overwrite: boolean): void;
  toBuffer(): Uint8Array;
};

describe('bundle shims', () => {
  describe('lazy unicode-trie', () => {
    it('answers every code point as unicode-trie does', () => {
      // Prepare: a table with ranges in the BMP, the supplementary planes and single values.
      const builder = new UnicodeTrieBuilder(0, 99);
      builder.setRange(0x41, 0x5a, 1, true);
      builder.setRange(0x400, 0x4ff, 2, true);
      builder.setRange(0x1f300, 0x1f5ff, 3, true);
      builder.set(0xab, 4);
      builder.set(0xe9, 5);
      const data = builder.toBuffer();
      const real = new UnicodeTrie(data);
      const lazy = new LazyUnicodeTrie(data);

      // Act
      const differing: number[] = [];
      for (let codePoint = 0; codePoint <= 0x10ffff; codePoint += codePoint < 0x20000 ? 1 : 97) {
        if (lazy.get(codePoint) !== real.get(codePoint)) differing.push(codePoint);
      }

      // Assert
      expect(differing).toEqual([]);
      expect([lazy.get(0x41), lazy.get(0x416), lazy.get(0x1f600 - 1), lazy.get(0xe9), lazy.get(0x20)]).toEqual([1, 2, 3, 5, 0]);
    });

    it('reads its table on the first lookup, not when it is made', () => {
      const corrupt = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255]);
      expect(() => new UnicodeTrie(corrupt)).toThrow();

      const lazy = new LazyUnicodeTrie(corrupt);

      expect(() => lazy.get(0x41)).toThrow();
    });
  });

  it('refuses WOFF2 fonts and encryption with a message saying so', () => {
    expect(() => decompress()).toThrow('WOFF2 fonts are not supported: give the renderer the TrueType (.ttf) files');
    expect(() => cbc()).toThrow('PDF encryption is not supported by the fact sheet renderer');
    expect(() => ecb()).toThrow('PDF encryption is not supported by the fact sheet renderer');
    expect(() => new LinkifyIt().test('https://example.org')).toThrow('bare-address linking (markdown-it linkify) is not part of the fact sheet renderer');
  });

  it('leaves the CommonMark parser reading bare addresses, links and emphasis as with the real linkify-it', async () => {
    // Prepare: the renderer's parser, and the same text parsed again with the stand-in in its place.
    await loadCommonMark();
    const text = 'See https://www.elysee.fr/ and www.kremlin.ru, **1 h 30**, *à la demande* of [Élysée](https://www.elysee.fr/) or mail@example.org.';
    const parser = commonMark(text);
    const withReal = parser.parse(text, {});
    const real = parser.linkify;

    // Act
    parser.linkify = new LinkifyIt() as unknown as typeof real;
    let withStandIn;
    try {
      withStandIn = parser.parse(text, {});
    } finally {
      parser.linkify = real;
    }

    // Assert: the preset never asks linkify, so the tokens are the same; a call would have thrown.
    expect(withStandIn).toEqual(withReal);
  });
});
