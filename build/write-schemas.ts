/**
 * tsx build/write-schemas.ts [--check]
 * Writes schema/event-document.schema.json and schema/theme.schema.json (JSON Schema 2020-12) for
 * the editors' completion and squiggles, from the definitions the validator and the theme reader
 * use (lambdas/render/document-definition.ts, lambdas/render/template/theme.ts). `--check` writes
 * nothing and exits 1 if a committed file differs; tests/schema.test.ts does the same.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DOCUMENT_LIMITS, EVENT_DOCUMENT, type Field, type FieldKind } from '../lambdas/render';
import { archives, COLOUR, colourUses, logoPlacements, papers, THEME_SETTINGS } from '../lambdas/render/template/theme';

type Schema = Record<string, unknown>;

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const schemaDir = new URL('../schema/', import.meta.url);

/** Bullets, nested as deep as a fact sheet shows them (the validator warns about deeper ones). */
function bulletsSchema(required: boolean, depth: number): Schema {
  const text = valueSchema({ kind: 'text', max: 'maxTextLength' }, true);
  const withSubBullets: Schema = {
    type: 'object',
    properties: { text, ...(depth < 2 ? { bullets: bulletsSchema(false, depth + 1) } : {}) },
    required: ['text'],
  };
  return { type: required ? 'array' : ['array', 'null'], maxItems: DOCUMENT_LIMITS.maxListItems, items: { anyOf: [text, withSubBullets] } };
}

/** Text may be typed as a number (`value: 1.5`); the validator reads it as its digits. */
function valueSchema(type: FieldKind, required: boolean): Schema {
  const orNull = (types: readonly string[]): string | string[] => (required ? (types.length === 1 ? (types[0] as string) : [...types]) : [...types, 'null']);
  const nonBlank = required ? { pattern: '\\S' } : {};
  switch (type.kind) {
    case 'text':
      return { type: orNull(['string', 'number']), maxLength: DOCUMENT_LIMITS[type.max], ...nonBlank };
    case 'date':
      return { type: orNull(['string', 'integer']) };
    case 'dateOrText':
      return { type: orNull(['string', 'number']), maxLength: DOCUMENT_LIMITS.maxShortTextLength };
    case 'lang':
    case 'template':
      return { type: orNull(['string']), maxLength: DOCUMENT_LIMITS.maxShortTextLength };
    case 'url':
      return { type: orNull(['string']), maxLength: DOCUMENT_LIMITS.maxUrlLength, pattern: type.https ? '^https://\\S+$' : '^https?://\\S+$' };
    case 'imagePath':
      return { type: orNull(['string']), maxLength: DOCUMENT_LIMITS.maxUrlLength, pattern: '^[^/\\\\%:]+([/][^/\\\\%]+)*\\.([jJ][pP][eE]?[gG]|[pP][nN][gG]|[sS][vV][gG])$' };
    case 'number':
      return { type: 'number' };
    case 'choice':
      return { type: orNull(['string']), enum: [...type.options, ...(required ? [] : [null])] };
    case 'paragraphs':
      return {
        type: orNull(['string', 'array']),
        maxLength: DOCUMENT_LIMITS.maxTextLength,
        maxItems: DOCUMENT_LIMITS.maxListItems,
        items: valueSchema({ kind: 'text', max: 'maxTextLength' }, true),
      };
    case 'bullets':
      return bulletsSchema(required, 0);
    case 'list':
      return { type: orNull(['array']), maxItems: DOCUMENT_LIMITS.maxListItems, items: valueSchema(type.items, true) };
    case 'mapping': {
      const fields = Object.entries(type.fields);
      return {
        type: orNull(['object']),
        properties: Object.fromEntries([
          ...(type.annotations ?? []).map((key) => [key, { type: 'string', description: 'For editors: the schema this file follows; the publisher ignores it.', examples: ['../schema/event-document.schema.json'] }]),
          ...fields.map(([name, field]) => [name, fieldSchema(field)]),
        ]),
        required: fields.filter(([, field]) => field.required === true).map(([name]) => name),
      };
    }
    default: {
      const unexpected: never = type;
      throw new Error(`unknown field kind ${JSON.stringify(unexpected)}`);
    }
  }
}

function fieldSchema(field: Field): Schema {
  return { description: field.description, examples: [field.example], ...valueSchema(field.type, field.required === true) };
}

export function eventDocumentSchema(): Schema {
  return {
    $schema: DIALECT,
    title: 'Event document',
    description:
      'One news event, one fact sheet (docs/content-format.md). Fields the format does not know are accepted with a warning; the publisher checks more than this schema says (real dates, language tags, template names).',
    ...valueSchema(EVENT_DOCUMENT, true),
  };
}

const anyCase = (word: string): string =>
  [...word].map((char) => (char.toLowerCase() === char.toUpperCase() ? char : `[${char.toUpperCase()}${char.toLowerCase()}]`)).join('');

export function themeSchema(): Schema {
  const colourKeys = Object.keys(colourUses) as (keyof typeof colourUses)[];
  const colour = { type: 'string', pattern: COLOUR.source.replace('[0-9a-f]', '[0-9a-fA-F]') };
  const setting = (name: keyof typeof THEME_SETTINGS): Schema => ({ description: THEME_SETTINGS[name].description, examples: [THEME_SETTINGS[name].example] });
  return {
    $schema: DIALECT,
    title: 'Theme',
    description: 'The brand of every fact sheet: templates/theme.yaml (docs/templates.md).',
    type: 'object',
    additionalProperties: false,
    required: Object.entries(THEME_SETTINGS)
      .filter(([, definition]) => definition.required)
      .map(([name]) => name),
    properties: {
      organisation: { ...setting('organisation'), type: 'string', pattern: '\\S' },
      // The reader takes any case: `letter` is Letter.
      paper: { ...setting('paper'), type: 'string', pattern: `^(?:${papers.map(anyCase).join('|')})$` },
      logo: { ...setting('logo'), type: ['string', 'null'] },
      logoPlacement: { ...setting('logoPlacement'), type: 'string', pattern: `^(?:${logoPlacements.map(anyCase).join('|')})$` },
      archive: { ...setting('archive'), type: 'string', pattern: `^(?:${archives.map(anyCase).join('|')})$` },
      colours: {
        ...setting('colours'),
        type: 'object',
        additionalProperties: false,
        required: colourKeys,
        properties: Object.fromEntries(colourKeys.map((key) => [key, { ...colour, description: `Used for the ${colourUses[key]}.`, examples: [THEME_SETTINGS.colours.example[key]] }])),
      },
    },
  };
}

export const SCHEMA_FILES: Readonly<Record<string, () => Schema>> = {
  'event-document.schema.json': eventDocumentSchema,
  'theme.schema.json': themeSchema,
};

export const schemaText = (schema: Schema): string => `${JSON.stringify(schema, null, 2)}\n`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  let stale = 0;
  for (const [name, make] of Object.entries(SCHEMA_FILES)) {
    const file = new URL(name, schemaDir);
    const text = schemaText(make());
    if (!values.check) {
      await writeFile(file, text);
      console.log(`wrote schema/${name}`);
    } else if ((await readFile(file, 'utf8').catch(() => '')) !== text) {
      console.error(`schema/${name} is not what build/write-schemas.ts writes: run npm run schemas`);
      stale += 1;
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && new URL(import.meta.url).pathname === process.argv[1]) await main();
