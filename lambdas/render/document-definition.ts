/**
 * The event document's fields, declared once: the validator (validate.ts) reads documents by this
 * definition, and build/write-schemas.ts turns it into schema/event-document.schema.json, so the
 * editors' schema and the validator cannot disagree about a field, its type, whether it is
 * required or its limit. The validator's own messages stay the validator's.
 */
import type { DocumentLimits } from './limits';

/** How a value is read; each kind is one FieldReader method in validate.ts. */
export type FieldKind =
  /**
   * Text (a number is taken as its digits); `max` names the limit; `unquoted`: typed quotation marks
   * removed; `furniture`: where the templates print it on every page, a line of fixed height that
   * keeps fewer combining marks (validate.ts MAX_MARKS_IN_FURNITURE).
   */
  | { readonly kind: 'text'; readonly max: keyof DocumentLimits; readonly unquoted?: boolean; readonly furniture?: FurniturePlace }
  | { readonly kind: 'date' }
  /** A date, or free text such as "jeudi". */
  | { readonly kind: 'dateOrText' }
  | { readonly kind: 'lang' }
  | { readonly kind: 'template' }
  /** `https`: only an https address (the online version). */
  | { readonly kind: 'url'; readonly https?: boolean }
  /** A picture's path, relative to the document, inside the content folder (validate.ts imagePath). */
  | { readonly kind: 'imagePath' }
  | { readonly kind: 'number' }
  | { readonly kind: 'choice'; readonly options: readonly string[] }
  /** Text whose blank lines separate paragraphs, or a list of paragraphs. */
  | { readonly kind: 'paragraphs' }
  /** Bullets: each a text, or `{ text, bullets }` for one with sub-bullets (three levels shown). */
  | { readonly kind: 'bullets' }
  /** `expected` is the validator's word for a value that is not a list. */
  | { readonly kind: 'list'; readonly items: FieldKind; readonly expected: string }
  | MappingKind;

export interface MappingKind {
  readonly kind: 'mapping';
  readonly fields: Readonly<Record<string, Field>>;
  /** The validator's word for a value that is not this mapping. */
  readonly expected: string;
  /** Keys for the editors' tools (`$schema`), accepted without a warning and not read. */
  readonly annotations?: readonly string[];
  /**
   * Fields of a mapping inside this one, written on this one by mistake, and where they belong
   * (`values` → `series[].values`): the unknown-field warning names the place.
   */
  readonly misplaced?: Readonly<Record<string, string>>;
  /**
   * The fields a YAML line `- Key: value` most likely meant where this mapping is expected, read as
   * one field named by its text (`- Duration: 1h30` for a fact's `label:` and `value:`): the
   * validator says how to write them rather than that they are missing. No `value`: the value may
   * be one of several fields.
   */
  readonly pair?: { readonly key: string; readonly value?: string };
  /** What its fields cannot say one by one, checked by the validator once they are read (validate.ts). */
  readonly check?: 'chart';
}

export interface Field {
  readonly type: FieldKind;
  readonly required?: boolean;
  /** For the people who write documents: shown by their editor. */
  readonly description: string;
  readonly example: unknown;
}

/** Where a field prints as page furniture. */
export type FurniturePlace = 'header band' | 'footer';

const shortText = { kind: 'text', max: 'maxShortTextLength' } as const;
const longText = { kind: 'text', max: 'maxTextLength' } as const;

const FIGURE: MappingKind = {
  kind: 'mapping',
  expected: 'a picture with `src:` and `alt:` (and `caption:`, `credit:`)',
  pair: { key: 'src', value: 'alt' },
  fields: {
    src: { type: { kind: 'imagePath' }, required: true, description: 'A JPEG, PNG or SVG file, its path relative to this document, inside the content folder.', example: '../photos/kyiv.jpg' },
    alt: { type: longText, required: true, description: 'What the picture shows, for readers who cannot see it.', example: 'The Maidan at dusk' },
    caption: { type: { kind: 'text', max: 'maxCaptionLength' }, description: 'Printed under the picture.', example: 'Independence Square, 27 February.' },
    credit: { type: shortText, description: 'Printed small under the caption.', example: 'Photo AFP' },
  },
};

const CHART: MappingKind = {
  kind: 'mapping',
  expected: 'a chart with `title:`, `unit:`, `labels:` and `series:` (and `type:`)',
  misplaced: { name: 'series[].name', values: 'series[].values' },
  check: 'chart',
  fields: {
    type: { type: { kind: 'choice', options: ['bar', 'line'] }, description: 'bar (default) or line.', example: 'bar' },
    title: { type: shortText, required: true, description: 'What the chart shows.', example: 'Arrivals by 7 March' },
    unit: { type: shortText, required: true, description: 'What the numbers count.', example: 'thousands of people' },
    labels: { type: { kind: 'list', items: shortText, expected: 'a list of texts, one a bar or point' }, required: true, description: 'One a bar or point, 1 to 40.', example: ['Poland', 'Hungary'] },
    series: {
      type: {
        kind: 'list',
        expected: 'a list of series, each with `name:` and `values:`',
        items: {
          kind: 'mapping',
          expected: 'a series with `name:` and `values:`',
          pair: { key: 'name', value: 'values' },
          fields: {
            name: { type: shortText, required: true, description: 'What the series is.', example: 'Arrivals' },
            values: { type: { kind: 'list', items: { kind: 'number' }, expected: 'a list of numbers, one a label' }, required: true, description: 'One number a label, without its unit.', example: [1204.4, 191.3] },
          },
        },
      },
      required: true,
      description: '1 to 6 series.',
      example: [{ name: 'Arrivals', values: [1204.4, 191.3] }],
    },
  },
};

export const EVENT_DOCUMENT: MappingKind = {
  kind: 'mapping',
  expected: 'a mapping of fields such as `title:` and `date:`',
  annotations: ['$schema'],
  fields: {
    title: { type: { kind: 'text', max: 'maxTitleLength' }, required: true, description: 'Headline of the fact sheet.', example: 'Ukraine: Emmanuel Macron spoke with Vladimir Putin for an hour and a half' },
    date: {
      type: { kind: 'date' },
      required: true,
      description: 'When the event happened: YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 date-time; shown at the precision given.',
      example: '2022-02-28',
    },
    lang: {
      type: { kind: 'lang' },
      description: 'BCP 47 language tag of the content (en, fr, uk, de, es …): labels, date format, PDF language. Default en.',
      example: 'fr',
    },
    template: { type: { kind: 'template' }, description: 'Which template lays the fact sheet out. Default briefing.', example: 'briefing' },
    subtitle: { type: longText, description: 'Standfirst under the title.', example: 'A call at the request of Volodymyr Zelensky' },
    category: { type: shortText, description: 'Kicker above the title.', example: 'Diplomacy' },
    classification: { type: { ...shortText, furniture: 'header band' }, description: 'Banner text on every page.', example: 'Public' },
    location: { type: shortText, description: 'Where it happened.', example: 'Paris' },
    summary: { type: longText, description: 'The lead, in a highlighted box. **bold**, *italic* and [links](https://…) work in every text.', example: 'Emmanuel Macron asked Vladimir Putin to halt **all strikes** on civilians.' },
    facts: {
      type: {
        kind: 'list',
        expected: 'a list of facts, each with `label:` and `value:`',
        items: {
          kind: 'mapping',
          expected: 'a fact with `label:` and `value:`',
          pair: { key: 'label', value: 'value' },
          fields: {
            label: { type: shortText, required: true, description: 'What the figure is.', example: 'Duration' },
            value: { type: longText, required: true, description: 'The figure.', example: '1 h 30' },
          },
        },
      },
      description: 'Key figures, shown in two columns.',
      example: [{ label: 'Duration', value: '1 h 30' }],
    },
    parties: {
      type: {
        kind: 'list',
        expected: 'a list of parties, each with `name:`',
        items: {
          kind: 'mapping',
          expected: 'a party with `name:` (and `role:`, `country:`)',
          pair: { key: 'name', value: 'role' },
          fields: {
            name: { type: shortText, required: true, description: 'Person or organisation.', example: 'Emmanuel Macron' },
            role: { type: shortText, description: 'Their role.', example: 'President of the French Republic' },
            country: { type: shortText, description: 'Their country.', example: 'France' },
          },
        },
      },
      description: 'Who is involved.',
      example: [{ name: 'Emmanuel Macron', role: 'President of the French Republic', country: 'France' }],
    },
    key_points: { type: { kind: 'bullets' }, description: 'Bullets under "Key points"; a bullet with sub-bullets is `{ text, bullets }`.', example: ['The call lasted an hour and a half.', { text: 'Three demands:', bullets: ['a ceasefire', 'a corridor'] }] },
    sections: {
      type: {
        kind: 'list',
        expected: 'a list of sections, each with `heading:`',
        items: {
          kind: 'mapping',
          expected: 'a section with `heading:` (and `body:`, `bullets:`, `image:`, `chart:`)',
          pair: { key: 'heading', value: 'body' },
          fields: {
            heading: { type: shortText, required: true, description: 'Heading of the section.', example: 'Three demands' },
            body: { type: { kind: 'paragraphs' }, description: 'Text (a blank line separates paragraphs) or a list of paragraphs.', example: ['As talks began, he asked for three things.'] },
            bullets: { type: { kind: 'bullets' }, description: 'Bullets after the text; a bullet with sub-bullets is `{ text, bullets }`.', example: ['a halt to strikes against civilians'] },
            image: { type: FIGURE, description: "A picture after the section's text.", example: { src: 'maps/kyiv.png', alt: 'Map of Kyiv' } },
            chart: { type: CHART, description: "A chart after the section's picture.", example: { title: 'Arrivals', unit: 'people', labels: ['Poland'], series: [{ name: 'Arrivals', values: [1204] }] } },
          },
        },
      },
      description: 'The narrative.',
      example: [{ heading: 'Three demands', body: 'As talks began, he asked for three things.' }],
    },
    quotes: {
      type: {
        kind: 'list',
        expected: 'a list of quotes, each with `text:`',
        items: {
          kind: 'mapping',
          expected: 'a quote with `text:` (and `speaker:`, `context:`)',
          pair: { key: 'speaker', value: 'text' },
          fields: {
            text: { type: { ...longText, unquoted: true }, required: true, description: 'The words, verbatim; the template adds the quotation marks of the language.', example: 'We will continue the talks' },
            speaker: { type: shortText, description: 'Who said it.', example: 'Mykhailo Podolyak' },
            context: { type: longText, description: 'When or where it was said.', example: 'statement of 28 February 2022' },
          },
        },
      },
      description: 'Verbatim quotes.',
      example: [{ text: 'We will continue the talks', speaker: 'Mykhailo Podolyak' }],
    },
    timeline: {
      type: {
        kind: 'list',
        expected: 'a list of entries, each with `date:` and `event:`',
        items: {
          kind: 'mapping',
          expected: 'a timeline entry with `date:` and `event:`',
          pair: { key: 'date', value: 'event' },
          fields: {
            date: { type: { kind: 'dateOrText' }, required: true, description: 'A date as for `date`, or free text such as "Thursday".', example: '2022-02-24' },
            event: { type: longText, required: true, description: 'What happened.', example: 'Russia launches its offensive' },
          },
        },
      },
      description: 'Chronology, in the order given.',
      example: [{ date: '2022-02-24', event: 'Russia launches its offensive' }],
    },
    context: { type: { kind: 'paragraphs' }, description: 'Background: text (a blank line separates paragraphs) or a list of paragraphs.', example: 'Russia launched its offensive on 24 February 2022.' },
    sources: {
      type: {
        kind: 'list',
        expected: 'a list of sources, each with `name:`',
        items: {
          kind: 'mapping',
          expected: 'a source with `name:` (and `url:`, `date:`)',
          // `- AFP: 2022-02-28` and `- AFP: https://…` are both likely.
          pair: { key: 'name' },
          fields: {
            name: { type: { ...shortText, furniture: 'footer' }, required: true, description: 'Who the information comes from.', example: 'AFP' },
            url: { type: { kind: 'url' }, description: 'A full address starting with https:// or http://.', example: 'https://www.elysee.fr/' },
            date: { type: { kind: 'date' }, description: 'When it was published, as for `date`.', example: '2022-02-28' },
          },
        },
      },
      description: 'Attribution.',
      example: [{ name: 'AFP', date: '2022-02-28' }],
    },
    tags: { type: { kind: 'list', items: shortText, expected: 'a list of texts' }, description: 'PDF keywords.', example: ['Ukraine', 'diplomacy'] },
    author: { type: shortText, description: "PDF author; the theme's organisation otherwise.", example: 'Desk Europe' },
    images: {
      type: { kind: 'list', items: FIGURE, expected: 'a list of pictures, each with `src:` and `alt:`' },
      description: 'Pictures after the key facts (docs/content-format.md, "Pictures").',
      example: [{ src: '../photos/kyiv.jpg', alt: 'The Maidan at dusk', caption: 'Independence Square.' }],
    },
    charts: {
      type: { kind: 'list', items: CHART, expected: 'a list of charts, each with `title:`, `unit:`, `labels:` and `series:`' },
      description: 'Charts after the pictures, drawn and also given as a table.',
      example: [{ type: 'bar', title: 'Arrivals', unit: 'thousands of people', labels: ['Poland', 'Hungary'], series: [{ name: 'Arrivals', values: [1204.4, 191.3] }] }],
    },
    url: { type: { kind: 'url', https: true }, description: 'The https address of the online version: printed as a QR code and a link.', example: 'https://factsheets.example.org/world/macron-putin' },
  },
};
