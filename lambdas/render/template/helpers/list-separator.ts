import { describeValue, helperCall } from '../helper-call';

/**
 * `{{listSeparator @index list}}`: what follows item `@index` of `list` in the document's
 * language, nothing after the last: ", " between the sources in most, and in Thai the spaces and
 * the "และ" (and) before the last item by which a Thai reader tells a list from phrases
 * (i18n.ts, THAI). `{{punctuation "list"}}` is only the separator between two middle items.
 */
export function listSeparator(...args: unknown[]): string {
  const call = helperCall('listSeparator', '{{#each sources}}{{inline name}}{{listSeparator @index ../sources}}{{/each}}', 2, args);
  const [index, list] = call.values;
  if (!Array.isArray(list)) return call.fail(`the second argument must be the list, got ${describeValue(list)}`);
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= list.length) {
    return call.fail(`the first argument must be @index, a position in the list of ${list.length}, got ${describeValue(index)}`);
  }
  const { list: middle, listEnd, listPair } = call.language.punctuation;
  if (index === list.length - 1) return '';
  if (list.length === 2) return listPair;
  return index === list.length - 2 ? listEnd : middle;
}
