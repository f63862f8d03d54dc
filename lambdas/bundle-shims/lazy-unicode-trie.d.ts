/** The part of unicode-trie its users call: fontkit, unicode-properties and linebreak only read values. */
export default class LazyUnicodeTrie {
  constructor(data: Uint8Array);
  get(codePoint: number): number;
}
