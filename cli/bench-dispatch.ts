/**
 * npm run bench:dispatch [-- --json]: precision and recall of the wire-dispatch rules on
 * tests/fixtures/dispatches/ (quotes with their speakers, parties), and the fields of each
 * fixture that differ from the event document an editor would write.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureAccuracy, readDispatchCases, type Score } from '../bench/dispatch-accuracy';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const directory = fileURLToPath(new URL('../tests/fixtures/dispatches/', import.meta.url));
const accuracy = measureAccuracy(await readDispatchCases(directory));
const differing = accuracy.cases.map(({ name, derived, expected }) => ({
  name,
  fields: [...new Set([...Object.keys(derived), ...Object.keys(expected)])].filter(
    (field) => JSON.stringify(derived[field]) !== JSON.stringify(expected[field]),
  ),
}));

if (values.json) {
  const { quotesWithSpeakers, parties } = accuracy;
  console.log(JSON.stringify({ dispatches: accuracy.cases.length, quotesWithSpeakers, parties, differing }));
} else {
  const line = (label: string, { precision, recall, truePositives, found, expected }: Score): string =>
    `${label}: precision ${precision.toFixed(2)} (${truePositives}/${found}), recall ${recall.toFixed(2)} (${truePositives}/${expected})`;
  console.log(`${accuracy.cases.length} dispatches in ${directory}`);
  console.log(line('quotes with speakers', accuracy.quotesWithSpeakers));
  console.log(line('parties', accuracy.parties));
  for (const { name, fields } of differing) console.log(`  ${name}: ${fields.length === 0 ? 'as expected' : `differs in ${fields.join(', ')}`}`);
}
