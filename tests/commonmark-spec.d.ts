/** The commonmark-spec package ships no types: its examples, as it extracts them from spec.txt. */
declare module 'commonmark-spec' {
  export const tests: readonly { readonly markdown: string; readonly html: string; readonly section: string; readonly number: number }[];
}
