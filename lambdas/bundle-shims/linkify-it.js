/**
 * Stands in for linkify-it in the function's bundle (infra/bundle-settings.ts): markdown-it builds
 * one on construction, but only its `linkify` option calls it, and the renderer's parser uses the
 * CommonMark preset, where that option is off (lambdas/render/commonmark.ts). The real one is
 * 11 KB of the parser's chunk and compiles its Unicode patterns when constructed.
 */
const linkifyUnsupported = () => {
  throw new Error('bare-address linking (markdown-it linkify) is not part of the fact sheet renderer');
};

export class LinkifyIt {
  test = linkifyUnsupported;
  match = linkifyUnsupported;
  matchAtStart = linkifyUnsupported;
}
