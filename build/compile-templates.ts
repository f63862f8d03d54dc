/**
 * tsx build/compile-templates.ts <templatesDir> [--out FILE]
 * Checks and compiles every template and partial of the folder into compiled-templates.json
 * (beside them unless --out says otherwise), which the renderer then uses instead of compiling
 * at start-up. The function's bundling runs it on templates/ for the asset
 * (infra/fact-sheet-publisher.ts), so a broken template stops the deployment. Exits non-zero,
 * with the file, line and column, on a template mistake.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TemplateError } from '../lambdas/render';
import { COMPILED_TEMPLATES_FILE, compileTemplates } from '../lambdas/render/template';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
const [dir, ...rest] = positionals;
if (dir === undefined || rest.length > 0) {
  console.error('usage: tsx build/compile-templates.ts <templatesDir> [--out FILE]');
  process.exit(2);
}
const out = values.out ?? join(dir, COMPILED_TEMPLATES_FILE);
try {
  const compiled = await compileTemplates(dir);
  await writeFile(out, JSON.stringify(compiled));
  console.log(`compiled ${Object.keys(compiled.templates).length} templates and partials of ${dir} into ${out}`);
} catch (error) {
  if (!(error instanceof TemplateError)) throw error;
  console.error(error.message);
  process.exit(1);
}
