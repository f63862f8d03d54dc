import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { eventDocumentSchema, SCHEMA_FILES, schemaText, themeSchema } from '../build/write-schemas';
import { ContentError, ValidationError } from '../lambdas/render/errors';
import { parseSource } from '../lambdas/render/parse';
import { decodeText } from '../lambdas/render/parse/text';
import { validateDocument } from '../lambdas/render/validate';

const root = new URL('..', import.meta.url).pathname;
const TEMPLATES = ['briefing', 'brief'];
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const documentSchema = ajv.compile(eventDocumentSchema());
const themeValidator = ajv.compile(themeSchema());

const files = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((name) => !name.startsWith('.'))
    .map((name) => join(dir, name));
const source = (path: string) => ({ name: path, bytes: readFileSync(join(root, path)), modifiedAt: new Date('2022-03-01T00:00:00Z') });
const parsed = (path: string) => parseSource(source(path));

/** `quotes[2].text` as ajv says it: `/quotes/2/text`. */
const pointer = (path: string): string => (path === '' ? '' : `/${path.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`);
const describeErrors = (errors: readonly ErrorObject[] | null | undefined): string =>
  (errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`).join('; ');

/** The validator's refusals that are about a type or a missing field, which a schema can say too. */
const TYPE_OR_MISSING = /^(?:must be (?:text|a list|a mapping of fields)|is required|is empty)/;
/** The bad fixtures the validator refuses so, read while the tests are collected: one test each. */
const refusals = (
  await Promise.all(
    files('tests/fixtures/bad').map(async (path) => {
      let document;
      try {
        document = await parsed(path);
      } catch (error) {
        if (error instanceof ContentError) return []; // refused before validation: not a document at all
        throw error;
      }
      try {
        validateDocument(document, { templates: TEMPLATES });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const problems = error.problems.filter((problem) => TYPE_OR_MISSING.test(problem.message));
        return problems.length === 0 ? [] : [{ path, data: document.data, problems }];
      }
      return [];
    }),
  )
).flat();

describe('schema: the committed files', () => {
  it.each(Object.keys(SCHEMA_FILES))('schema/%s is what build/write-schemas.ts writes (npm run schemas)', (name) => {
    const committed = readFileSync(join(root, 'schema', name), 'utf8');

    expect(committed).toBe(schemaText((SCHEMA_FILES[name] as () => Record<string, unknown>)()));
  });

  it('gives every field of the event document a description and an example', () => {
    const missing: string[] = [];
    const visit = (schema: Record<string, unknown>, path: string): void => {
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof property.description !== 'string' || !Array.isArray(property.examples) || property.examples.length === 0) missing.push(`${path}${name}`);
        visit(property, `${path}${name}.`);
        if (property.items) visit(property.items as Record<string, unknown>, `${path}${name}[].`);
      }
    };

    visit(eventDocumentSchema(), '');
    visit(themeSchema(), '');

    expect(missing).toEqual([]);
  });

  it('lets a JSON document name its schema without a warning, and still warns about a misspelt field', async () => {
    const json = async (text: string) => validateDocument(await parseSource({ name: 'doc.json', bytes: new TextEncoder().encode(text), modifiedAt: new Date() }), { templates: TEMPLATES });

    const named = await json('{"$schema": "../schema/event-document.schema.json", "title": "T", "date": "2022"}');
    const misspelt = await json('{"$schema": "../schema/event-document.schema.json", "title": "T", "date": "2022", "$schemas": "x"}');

    expect(named.warnings).toEqual([]);
    expect(named.document).not.toHaveProperty('$schema');
    expect(misspelt.warnings).toHaveLength(1);
    expect(misspelt.warnings[0]?.path).toBe('$schemas');
    expect(misspelt.warnings[0]?.message).toContain('unknown field');
    expect(misspelt.warnings[0]?.expected).not.toContain('$schema');
  });

  it('points the samples at the schema', () => {
    for (const path of files('content').filter((name) => /\.ya?ml$/.test(name))) {
      expect(readFileSync(join(root, path), 'utf8').split('\n')[0], path).toBe('# yaml-language-server: $schema=../schema/event-document.schema.json');
    }
    for (const path of files('content').filter((name) => name.endsWith('.json'))) {
      expect((JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>).$schema, path).toBe('../schema/event-document.schema.json');
    }
  });
});

describe('schema: the event document', () => {
  // A sample's pictures are in a folder of their own.
  const good = [...files('content'), ...files('tests/fixtures/good')].filter((path) => statSync(join(root, path)).isFile());

  it.each(good)('accepts %s, as the validator does', async (path) => {
    const document = await parsed(path);
    validateDocument(document, { templates: TEMPLATES });
    // An editor checks a YAML or JSON file as typed, where a chart's values are numbers; the parser
    // keeps them as the digits typed. Markdown and dispatches have only their parsed form.
    const asTyped: unknown = /\.(?:ya?ml|json)$/i.test(path) ? parseYaml(decodeText(source(path))) : document.data;

    const valid = documentSchema(asTyped);

    expect(valid, describeErrors(documentSchema.errors)).toBe(true);
  });

  it('has bad fixtures refused for a type or a missing field', () => {
    expect(refusals.map((refusal) => refusal.path)).toEqual(expect.arrayContaining(['tests/fixtures/bad/wrong-types.yaml', 'tests/fixtures/bad/missing-title.yaml']));
  });

  it.each(refusals.map((refusal) => [refusal.path, refusal] as const))('refuses %s where the validator does', (_path, refusal) => {
    const valid = documentSchema(refusal.data);
    const errors = documentSchema.errors ?? [];

    expect(valid).toBe(false);
    for (const problem of refusal.problems) {
      const at = pointer(problem.path ?? '');
      const parent = at.slice(0, at.lastIndexOf('/'));
      const field = at.slice(at.lastIndexOf('/') + 1);
      const found = errors.some(
        (error) => error.instancePath === at || (error.keyword === 'required' && error.instancePath === parent && (error.params as { missingProperty?: string }).missingProperty === field),
      );
      expect(found, `${problem.path ?? ''}: ${problem.message} — schema said: ${describeErrors(errors)}`).toBe(true);
    }
  });
});

describe('schema: the theme', () => {
  const themes = ['templates/theme.yaml', ...files('tests/fixtures/templates/themes').map((dir) => join(dir, 'theme.yaml'))];
  const read = (path: string): unknown => parseYaml(readFileSync(join(root, path), 'utf8'));

  it.each(['templates/theme.yaml', 'tests/fixtures/templates/themes/with-logo/theme.yaml', 'tests/fixtures/templates/themes/low-contrast/theme.yaml'])(
    'accepts %s (contrast is the reader\'s check, not the schema\'s)',
    (path) => {
      expect(themeValidator(read(path)), describeErrors(themeValidator.errors)).toBe(true);
    },
  );

  it.each([
    ['tests/fixtures/templates/themes/bad-values/theme.yaml', ['/paper', '', '/colours/accent', '/colours/text']],
    ['tests/fixtures/templates/themes/incomplete/theme.yaml', ['', '/colours']],
  ])('refuses %s at %j', (path, pointers) => {
    expect(themes).toContain(path);

    const valid = themeValidator(read(path));

    expect(valid).toBe(false);
    expect([...new Set((themeValidator.errors ?? []).map((error) => error.instancePath))].sort()).toEqual([...pointers].sort());
  });
});
