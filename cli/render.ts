/**
 * npm run render -- <file|folder>... [--out DIR] [--templates DIR] [--json]
 * Renders event documents to PDF on this machine, no S3 involved. A bad file is reported and
 * the others are still rendered; the exit code is non-zero when any file failed.
 */
import { ACCEPTED_EXTENSIONS, createRenderer, formatProblems, type Renderer } from '../lambdas/render';
import { createProgress, parseCommand, runCommand, UsageError } from '../client/command';
import { ensureFolder, findTargets, renderTarget, type RenderOutcome, type RenderTarget } from '../client/render-files';

const USAGE = `Usage: npm run render -- <file|folder>... [options]
Renders each event document to a PDF, no S3 involved; a line per file as it finishes.
Options:
  --out DIR         where the PDFs go (default out/; created if missing)
  --templates DIR   templates, partials and theme (default templates/, or TEMPLATES_DIR)
  --json            one JSON object on standard output instead of the lines
  --debug           stack traces for unexpected errors (also DEBUG=1)`;

const { values, positionals } = parseCommand({
  invocation: 'npm run render --',
  usage: USAGE,
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'out' },
    templates: { type: 'string', default: process.env.TEMPLATES_DIR },
    json: { type: 'boolean', default: false },
  },
});

await runCommand(async () => {
  if (positionals.length === 0) throw new UsageError('name at least one file or folder to render');
  if (values.out.trim() === '') throw new UsageError('--out needs a folder');
  const targets = await findTargets(positionals);
  if (targets.length === 0) {
    console.error(`no event documents in ${positionals.join(', ')} (accepted: ${ACCEPTED_EXTENSIONS.join(' ')})`);
    return 1;
  }
  // Checked once, before any render: a bad --out is one line, not one failure per file.
  await ensureFolder(values.out);
  const renderer = await createRenderer({ templatesDir: values.templates });

  const outcomes: RenderOutcome[] = [];
  const progress = values.json ? null : createProgress(targets.length);
  for (const target of targets) {
    const outcome = await renderOne(renderer, target, targets);
    outcomes.push(outcome);
    progress?.tick();
    progress?.line(describe(outcome));
  }
  progress?.end();
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  if (values.json) console.log(JSON.stringify({ out: values.out, files: outcomes.map(toJson), rendered: outcomes.length - failed, failed }));
  else console.log(`\n${outcomes.length - failed} fact sheet(s) in ${values.out}/${failed ? `, ${failed} file(s) failed` : ''}`);
  return failed ? 1 : 0;
});

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
    // An unreadable file is that file's problem; the others still render.
    return { ok: false, target, ms: 0, message: `${target.path}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function describe(outcome: RenderOutcome): string {
  if (!outcome.ok) return `✗ ${outcome.target.path}\n${indent(outcome.message)}`;
  const line = `✓ ${outcome.target.path}  ${outcome.template}  ${outcome.pages} p  ${outcome.bytes} B  ${outcome.ms.toFixed(0)} ms  → ${outcome.output}`;
  if (outcome.warnings.length === 0) return line;
  return `${line}\n${indent(outcome.warnings.map((warning) => `warning: ${formatProblems(outcome.target.path, [warning])}`).join('\n'))}`;
}

function toJson(outcome: RenderOutcome): Record<string, unknown> {
  const { target, ms, ...rest } = outcome;
  return { path: target.path, ...rest, ms: Math.round(ms) };
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
