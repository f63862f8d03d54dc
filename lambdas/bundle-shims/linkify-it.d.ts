export class LinkifyIt {
  test(...args: unknown[]): never;
  match(...args: unknown[]): never;
  matchAtStart(...args: unknown[]): never;
}
