/**
 * tsx scripts/compile-templates.ts <templatesDir>
 * Checks and compiles every template and partial of the folder into its compiled-templates.json,
 * which the renderer then uses instead of compiling at start-up. The function's bundling runs it
 * on the asset's copy of templates/ (infra/fact-sheet-publisher.ts), so a broken template stops
 * the deployment. Exits non-zero, with the file, line and column, on a template mistake.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TemplateError } from '../lambdas/render/errors';
import { COMPILED_TEMPLATES_FILE, compileTemplates } from '../lambdas/render/template';

const [dir, ...rest] = process.argv.slice(2);
if (dir === undefined || rest.length > 0) {
  console.error('usage: tsx scripts/compile-templates.ts <templatesDir>');
  process.exit(2);
}
try {
  const compiled = await compileTemplates(dir);
  await writeFile(join(dir, COMPILED_TEMPLATES_FILE), JSON.stringify(compiled));
  console.log(`compiled ${Object.keys(compiled.templates).length} templates and partials into ${join(dir, COMPILED_TEMPLATES_FILE)}`);
} catch (error) {
  if (!(error instanceof TemplateError)) throw error;
  console.error(error.message);
  process.exit(1);
}
