/**
 * template: ValidatedDocument → FilledTemplate (the markup dialect of docs/templates.md).
 *
 * Templates (`<name>.hbs`), partials (`partials/<name>.hbs`) and the theme are read and compiled
 * once, by loadTemplates, on an isolated Handlebars environment; fill() is then pure CPU work.
 * Content is only ever printed through Handlebars' escaping (or the helpers, which escape too),
 * so `<b>`, `{{x}}` and `&amp;` in a document print as typed and cannot break the markup.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type HandlebarsCompiler from 'handlebars';
import Handlebars from 'handlebars/runtime';
import { TemplateError, templateProblemsError, type Problem } from '../errors';
import type { Chart, DrawnChart, EventDocument, FilledTemplate, Figure, ListItem, Party, Quote, Section, Source, Theme, ValidatedDocument } from '../types';
import { HelperError, type HelperData } from './helper-call';
import { any } from './helpers/any';
import { date } from './helpers/date';
import { inline } from './helpers/inline';
import { label } from './helpers/label';
import { listSeparator } from './helpers/list-separator';
import { pageOf } from './helpers/page-of';
import { punctuation } from './helpers/punctuation';
import { quote } from './helpers/quote';
import { resolveLanguage } from './i18n';
import { loadTheme } from './theme';

export interface TemplateSet {
  readonly names: readonly string[];
  readonly theme: Theme;
  fill(doc: ValidatedDocument): FilledTemplate;
}

const defaultTemplatesDir = fileURLToPath(new URL('../../../templates/', import.meta.url));

const helpers = { any, date, inline, label, listSeparator, pageOf, punctuation, quote } satisfies Record<string, Handlebars.HelperDelegate>;

const compileOptions = {
  // `{{titel}}` (a misspelt field printed directly) fails instead of printing nothing.
  strict: true,
  // A misspelt helper fails when the templates load, not when a document uses that branch.
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(Object.keys(helpers).map((name) => [name, true])),
} as const;

/** Every optional field present, `null` when absent, so that helpers can tell it from a misspelt field. */
type Complete<T> = { readonly [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K] };

type TemplateContext = Complete<Omit<EventDocument, 'parties' | 'quotes' | 'sources' | 'sections' | 'images' | 'charts' | 'key_points'>> & {
  readonly parties: readonly Complete<Party>[];
  readonly key_points: readonly string[];
  readonly key_point_items: readonly ListItem[];
  readonly sections: readonly (Complete<Omit<Section, 'image' | 'chart' | 'bullets'>> & {
    readonly bullets: readonly string[];
    readonly bullet_items: readonly ListItem[];
    readonly image: Complete<Figure> | null;
    readonly chart: DrawnChart | null;
  })[];
  readonly images: readonly Complete<Figure>[];
  readonly charts: readonly DrawnChart[];
  readonly quotes: readonly Complete<Quote>[];
  readonly sources: readonly Complete<Source>[];
};

/** The document as templates see it: the spec's field names, nothing renamed. */
function templateContext(doc: EventDocument): TemplateContext {
  return {
    title: doc.title,
    date: doc.date,
    lang: doc.lang,
    template: doc.template,
    subtitle: doc.subtitle ?? null,
    category: doc.category ?? null,
    classification: doc.classification ?? null,
    location: doc.location ?? null,
    summary: doc.summary ?? null,
    facts: doc.facts,
    parties: doc.parties.map((party) => ({ name: party.name, role: party.role ?? null, country: party.country ?? null })),
    key_points: doc.key_points.map(legacyBullet),
    key_point_items: doc.key_points,
    sections: doc.sections.map((section) => ({
      ...section,
      bullets: section.bullets.map(legacyBullet),
      bullet_items: section.bullets,
      image: section.image ? figureContext(section.image) : null,
      chart: section.chart ? chartContext(section.chart) : null,
    })),
    quotes: doc.quotes.map((entry) => ({ text: entry.text, speaker: entry.speaker ?? null, context: entry.context ?? null })),
    timeline: doc.timeline,
    context: doc.context,
    sources: doc.sources.map((source) => ({ name: source.name, url: source.url ?? null, date: source.date ?? null })),
    tags: doc.tags,
    author: doc.author ?? null,
    images: doc.images.map(figureContext),
    charts: doc.charts.map(chartContext),
    url: doc.url ?? null,
  };
}

/**
 * `key_points` and `bullets` as templates written before sub-bullets read them (a list of texts):
 * a sub-bullet follows its parent, led by one "– " a level, as the Markdown reader used to give it.
 */
function legacyBullet(item: ListItem): string {
  return `${'– '.repeat(item.level)}${item.text}`;
}

function chartContext(chart: Chart): DrawnChart {
  return { ...chart, type: chart.type ?? 'bar' };
}

function figureContext(figure: Figure): Complete<Figure> {
  return { src: figure.src, alt: figure.alt, caption: figure.caption ?? null, credit: figure.credit ?? null };
}

/** Characters XML 1.0 cannot carry even escaped; a pasted form feed must not fail the whole document. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

interface TemplateFile {
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

async function readTemplateFiles(dir: string, required: boolean): Promise<TemplateFile[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TemplateError(dir, `cannot read the templates folder: ${(error as Error).message}`, { cause: error });
  }
  const names = entries.filter((entry) => entry.endsWith('.hbs')).sort();
  return Promise.all(
    names.map(async (entry) => {
      const path = join(dir, entry);
      return { name: basename(entry, '.hbs'), path, text: await readFile(path, 'utf8') };
    }),
  );
}

/** A Handlebars or helper error as a TemplateError naming the template file, line and column. */
function located(file: string, error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  if (error instanceof HelperError) {
    return new TemplateError(file, error.message, { cause: error, line: error.line, column: error.column });
  }
  const message = error instanceof Error ? error.message : String(error);
  const { lineNumber, column } = error as { lineNumber?: number; column?: number };
  if (typeof lineNumber === 'number') {
    // Handlebars appends " - line:column" with a 0-based column; the TemplateError carries it instead.
    const reason = message
      .replace(/ - \d+:\d+$/, '')
      .replace(/not defined in \[object Object\]$/, 'is not a field here')
      .replace(/^You specified knownHelpersOnly, but used the unknown helper (.+)$/, `unknown helper "$1" (helpers: ${Object.keys(helpers).join(', ')})`);
    return new TemplateError(file, reason, { cause: error, line: lineNumber, column: (typeof column === 'number' ? column : 0) + 1 });
  }
  const parseError = /^Parse error on line (\d+):\n([\s\S]*)$/.exec(message);
  if (parseError !== null) {
    return new TemplateError(file, `Handlebars syntax error:\n${parseError[2]}`, { cause: error, line: Number(parseError[1]) });
  }
  return new TemplateError(file, message, { cause: error });
}

type Compiler = typeof HandlebarsCompiler;

/**
 * The full Handlebars, imported only when a template must be compiled: templates compiled at
 * bundling run on the runtime alone, and a cold start then skips evaluating the compiler.
 */
async function loadCompiler(): Promise<Compiler> {
  return (await import('handlebars')).default;
}

/** Mistakes the Handlebars compiler lets through, caught when the templates load. */
function checkTemplate(compiler: Compiler, file: TemplateFile, ast: hbs.AST.Program, partials: ReadonlySet<string>): void {
  const problems: Problem[] = [];
  const checker = new compiler.Visitor();
  const at = (node: hbs.AST.Node): { line: number; column: number } => ({ line: node.loc.start.line, column: node.loc.start.column + 1 });
  checker.MustacheStatement = function (mustache) {
    if (!mustache.escaped) {
      problems.push({ ...at(mustache), message: '{{{…}}} prints without escaping, so content could break the markup', expected: '{{…}}, and {{inline …}} for content' });
    }
    compiler.Visitor.prototype.MustacheStatement.call(this, mustache);
  };
  const checkPartial = (partial: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement): void => {
    const name = partial.name.type === 'PathExpression' ? partial.name.original : null;
    if (name !== null && !partials.has(name)) {
      const expected = partials.size === 0 ? `a file partials/${name}.hbs` : `one of ${[...partials].join(', ')}`;
      problems.push({ ...at(partial), message: `unknown partial "${name}"`, expected });
    }
  };
  checker.PartialStatement = checkPartial;
  checker.PartialBlockStatement = function (partial) {
    checkPartial(partial);
    compiler.Visitor.prototype.PartialBlockStatement.call(this, partial);
  };
  checker.accept(ast);
  if (problems.length > 0) throw templateProblemsError(file.path, 'the template has mistakes', problems);
}

type TemplateSpecification = ReturnType<Compiler['precompile']>;

/**
 * Written into the function's templates folder when it is bundled (build/compile-templates.ts):
 * a cold start then skips Handlebars' parser and compiler, about 40 ms of it
 * (docs/performance.md). A template whose text differs from its compiled copy is compiled as usual.
 */
export const COMPILED_TEMPLATES_FILE = 'compiled-templates.json';

export interface CompiledTemplates {
  /** The Handlebars that compiled them: a specification is only sure to run on the same one. */
  readonly handlebarsVersion: string;
  /** The partials the templates were checked against: with another set, a template may name a missing one. */
  readonly partials: readonly string[];
  /** By path inside the templates folder (`briefing.hbs`, `partials/facts.hbs`). */
  readonly templates: Readonly<Record<string, { readonly source: string; readonly specification: string }>>;
}

/** Parses, checks and compiles a template to Handlebars' specification, as JavaScript source. */
/**
 * Specifications already compiled in this process, by what they were compiled from: a reload
 * (npm run dev, the live preview) compiles only the files that changed (all of them took 80–180 ms).
 */
const compiledSpecifications = new Map<string, string>();
const MAX_COMPILED_SPECIFICATIONS = 256;

function compileSpecification(compiler: Compiler, file: TemplateFile, partials: ReadonlySet<string>): string {
  const key = JSON.stringify([file.path, file.text, [...partials].sort()]);
  const known = compiledSpecifications.get(key);
  if (known !== undefined) return known;
  let specification: string;
  try {
    const ast = compiler.parse(file.text);
    checkTemplate(compiler, file, ast, partials);
    // precompile returns the template as JavaScript source (its type says otherwise).
    specification = compiler.precompile(ast, compileOptions) as unknown as string;
  } catch (error) {
    throw located(file.path, error);
  }
  if (compiledSpecifications.size >= MAX_COMPILED_SPECIFICATIONS) compiledSpecifications.clear();
  compiledSpecifications.set(key, specification);
  return specification;
}

/**
 * Evaluates a specification once, at load time rather than at the first document (Handlebars'
 * `compile` is lazy), so that a broken template stops the start-up.
 */
function instantiate(env: typeof Handlebars, file: TemplateFile, specification: string): Handlebars.TemplateDelegate {
  let template: Handlebars.TemplateDelegate;
  try {
    // The specification is JavaScript that Handlebars' precompiler wrote at bundling
    // (build/compile-templates.ts), not content: evaluating it is how a precompiled template runs.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above: generated code, not input
    const evaluate = new Function(`return ${specification};`) as () => TemplateSpecification;
    template = env.template(evaluate());
  } catch (error) {
    throw located(file.path, error);
  }
  return (context, options) => {
    try {
      return template(context, options);
    } catch (error) {
      // The innermost template or partial names itself; outer ones pass its error on.
      throw located(file.path, error);
    }
  };
}

interface TemplateFiles {
  readonly templateFiles: readonly TemplateFile[];
  readonly partialFiles: readonly TemplateFile[];
}

async function readTemplateSources(dir: string): Promise<TemplateFiles> {
  const [templateFiles, partialFiles] = await Promise.all([readTemplateFiles(dir, true), readTemplateFiles(join(dir, 'partials'), false)]);
  if (templateFiles.length === 0) throw new TemplateError(dir, 'no templates: expected at least one <name>.hbs file');
  return { templateFiles, partialFiles };
}

function isolatedEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  env.registerHelper(helpers);
  return env;
}

/** Every template and partial of `dir`, checked and compiled, for COMPILED_TEMPLATES_FILE. */
export async function compileTemplates(dir: string = defaultTemplatesDir): Promise<CompiledTemplates> {
  const { templateFiles, partialFiles } = await readTemplateSources(dir);
  const compiler = await loadCompiler();
  const partials = new Set(partialFiles.map((file) => file.name));
  const templates = Object.fromEntries(
    [...partialFiles, ...templateFiles].map((file) => [
      relative(dir, file.path),
      { source: file.text, specification: compileSpecification(compiler, file, partials) },
    ]),
  );
  return { handlebarsVersion: Handlebars.VERSION, partials: [...partials], templates };
}

/** The compiled copies of `dir`, as written there; null when there are none. */
async function readCompiledTemplates(dir: string): Promise<CompiledTemplates | null> {
  const path = join(dir, COMPILED_TEMPLATES_FILE);
  let compiled: Partial<CompiledTemplates> | null;
  try {
    compiled = JSON.parse(await readFile(path, 'utf8')) as Partial<CompiledTemplates> | null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TemplateError(path, `cannot read the compiled templates: ${(error as Error).message}`, { cause: error });
  }
  if (typeof compiled?.handlebarsVersion !== 'string' || !Array.isArray(compiled.partials) || typeof compiled.templates !== 'object' || compiled.templates === null) {
    throw new TemplateError(path, 'not compiled templates: regenerate it with build/compile-templates.ts, or delete it');
  }
  return compiled as CompiledTemplates;
}

/** The copies that still match this Handlebars and these partials. */
function usableCopies(compiled: CompiledTemplates | null, partials: ReadonlySet<string>): CompiledTemplates['templates'] {
  if (compiled === null || compiled.handlebarsVersion !== Handlebars.VERSION) return {};
  const samePartials = compiled.partials.length === partials.size && compiled.partials.every((name) => partials.has(name));
  return samePartials ? compiled.templates : {};
}

export async function loadTemplates(dir: string = defaultTemplatesDir): Promise<TemplateSet> {
  const [theme, { templateFiles, partialFiles }, compiled] = await Promise.all([loadTheme(dir), readTemplateSources(dir), readCompiledTemplates(dir)]);
  const partialNames = new Set(partialFiles.map((file) => file.name));
  const copies = usableCopies(compiled, partialNames);
  const env = isolatedEnvironment();
  const load = async (file: TemplateFile): Promise<Handlebars.TemplateDelegate> => {
    const copy = copies[relative(dir, file.path)];
    const specification = copy?.source === file.text ? copy.specification : compileSpecification(await loadCompiler(), file, partialNames);
    return instantiate(env, file, specification);
  };
  for (const file of partialFiles) env.registerPartial(file.name, await load(file));
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of templateFiles) templates.set(file.name, await load(file));
  const names = [...templates.keys()];

  return {
    names,
    theme,
    fill({ file, document }) {
      const template = templates.get(document.template);
      if (template === undefined) {
        throw new TemplateError(join(dir, `${document.template}.hbs`), `no such template (templates: ${names.join(', ')}), asked for by ${file}`);
      }
      const { language, warning } = resolveLanguage(document.lang);
      const data: HelperData & { readonly lang: string; readonly organisation: string } = {
        language,
        lang: language.tag,
        organisation: theme.organisation,
      };
      const markup = template(templateContext(document), { data }).replace(XML_FORBIDDEN, '\uFFFD');
      return { file, template: document.template, markup, warnings: warning === null ? [] : [{ path: 'lang', message: warning }] };
    },
  };
}
