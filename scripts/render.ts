/**
 * npm run render -- <file|folder>... [--out DIR]
 * Renders event documents to PDF on this machine, no S3 involved. A bad file is reported and
 * the others are still rendered; the exit code is non-zero when any file failed.
 */
import { parseArgs } from 'node:util';
import { createRenderer } from '../lambdas/render';
import { findTargets, renderTarget, type RenderOutcome } from './lib/render-local';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string', default: 'out' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help || positionals.length === 0) {
  console.log('usage: npm run render -- <file|folder>... [--out DIR]');
  process.exit(values.help ? 0 : 2);
}

const renderer = await createRenderer();
const targets = await findTargets(positionals);
const outcomes: RenderOutcome[] = [];
for (const target of targets) {
  const outcome = await renderTarget(renderer, target, values.out);
  outcomes.push(outcome);
  console.log(describe(outcome));
}
const failed = outcomes.filter((outcome) => !outcome.ok).length;
console.log(`\n${outcomes.length - failed} fact sheet(s) in ${values.out}/${failed ? `, ${failed} file(s) failed` : ''}`);
process.exitCode = failed ? 1 : 0;

function describe(outcome: RenderOutcome): string {
  if (!outcome.ok) return `✗ ${outcome.target.path}\n${indent(outcome.message)}`;
  const line = `✓ ${outcome.target.path}  ${outcome.template}  ${outcome.pages} p  ${outcome.bytes} B  ${outcome.ms.toFixed(0)} ms  → ${outcome.output}`;
  return outcome.warnings.length ? `${line}\n${indent(outcome.warnings.map((warning) => `warning: ${warning}`).join('\n'))}` : line;
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
