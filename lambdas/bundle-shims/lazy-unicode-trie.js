/**
 * unicode-trie, inflating its table on the first lookup instead of on construction: fontkit,
 * unicode-properties and linebreak each build tables when they are imported, which cost a cold
 * start 39 ms, yet the renderer shapes and breaks lines from its own tables (lambdas/render/fonts/shaping-tables.ts).
 * The function's bundle aliases `unicode-trie` to this file (infra/bundle-settings.ts).
 */
// A relative path to the real module: the bare name would resolve to this file in the bundle.
import UnicodeTrie from '../../node_modules/unicode-trie/index.js';

export default class LazyUnicodeTrie {
  #data;
  #trie = null;

  constructor(data) {
    this.#data = data;
  }

  get(codePoint) {
    this.#trie ??= new UnicodeTrie(this.#data);
    return this.#trie.get(codePoint);
  }
}
