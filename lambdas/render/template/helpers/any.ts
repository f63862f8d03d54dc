import { describeValue, helperCall } from '../helper-call';

/**
 * `(any parties "role")`: whether at least one item of the list has a non-empty value for the
 * field, so that a table can leave out a column nobody filled in.
 */
export function any(...args: unknown[]): boolean {
  const call = helperCall('any', '(any list "field")', 2, args);
  const [list, field] = call.values;
  if (!Array.isArray(list)) return call.fail(`the first argument must be a list, got ${describeValue(list)}`);
  if (typeof field !== 'string') return call.fail(`the second argument must be a field name in quotes, got ${describeValue(field)}`);
  return list.some((item: unknown) => {
    if (typeof item !== 'object' || item === null || !(field in item)) {
      return call.fail(`the list items have no field "${field}"`);
    }
    const value: unknown = (item as Record<string, unknown>)[field];
    return value !== null && value !== '';
  });
}
