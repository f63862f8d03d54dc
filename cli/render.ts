/**
 * npm run render -- <file|folder>... [--out DIR]
 * Renders event documents to PDF on this machine, no S3 involved. A bad file is reported and
 * the others are still rendered; the exit code is non-zero when any file failed.
 */
import { parseArgs } from 'node:util';
import { ACCEPTED_EXTENSIONS, createRenderer, type Renderer, RendererConfigError } from '../lambdas/render';
import { findTargets, renderTarget, type RenderOutcome, type RenderTarget } from '../client/render-files';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string', default: 'out' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help || positionals.length === 0) {
  console.log('usage: npm run render -- <file|folder>... [--out DIR]');
  process.exit(values.help ? 0 : 2);
}

const renderer = await createRenderer().catch((error: unknown) => {
  if (!(error instanceof RendererConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
});
const targets = await findTargets(positionals);
if (targets.length === 0) {
  console.error(`no event documents in ${positionals.join(', ')} (accepted: ${ACCEPTED_EXTENSIONS.join(' ')})`);
  process.exit(1);
}

const outcomes: RenderOutcome[] = [];
for (const target of targets) {
  const outcome = await renderOne(renderer, target, targets);
  outcomes.push(outcome);
  console.log(describe(outcome));
}
const failed = outcomes.filter((outcome) => !outcome.ok).length;
console.log(`\n${outcomes.length - failed} fact sheet(s) in ${values.out}/${failed ? `, ${failed} file(s) failed` : ''}`);
process.exitCode = failed ? 1 : 0;

/** One file's outcome; whatever goes wrong with it is reported and the others still render. */
async function renderOne(engine: Renderer, target: RenderTarget, all: readonly RenderTarget[]): Promise<RenderOutcome> {
  const rivals = all.filter((other) => other.outputName === target.outputName);
  if (rivals.length > 1) {
    const names = rivals.map((rival) => rival.path).join(', ');
    return { ok: false, target, ms: 0, message: `${target.path}: ${names} would all be ${values.out}/${target.outputName}.pdf; rename all but one` };
  }
  try {
    return await renderTarget(engine, target, values.out);
  } catch (error) {
    return { ok: false, target, ms: 0, message: `${target.path}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function describe(outcome: RenderOutcome): string {
  if (!outcome.ok) return `✗ ${outcome.target.path}\n${indent(outcome.message)}`;
  const line = `✓ ${outcome.target.path}  ${outcome.template}  ${outcome.pages} p  ${outcome.bytes} B  ${outcome.ms.toFixed(0)} ms  → ${outcome.output}`;
  return outcome.warnings.length ? `${line}\n${indent(outcome.warnings.map((warning) => `warning: ${warning}`).join('\n'))}` : line;
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
