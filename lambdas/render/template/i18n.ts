/**
 * Language support for the templates: labels, quotation marks, dates.
 * Adding a language is adding one entry to `packs`; the compiler checks that it has every label.
 */
import type { PartialDate } from '../types';

export type LabelKey =
  | 'summary'
  | 'keyFacts'
  | 'parties'
  | 'partyName'
  | 'partyRole'
  | 'partyCountry'
  | 'keyPoints'
  | 'quotes'
  | 'timeline'
  | 'timelineDate'
  | 'timelineEvent'
  | 'context'
  | 'sources'
  | 'sourceCredit'
  | 'sourcesCredit'
  | 'page';

type Labels = Readonly<Record<LabelKey, string>>;

interface QuotationMarks {
  readonly open: string;
  readonly close: string;
}

interface LanguagePack {
  /** English name, for warnings. */
  readonly name: string;
  readonly quotes: QuotationMarks;
  /** Intl locale for a tag without a region (`en` alone would give US month-first dates). */
  readonly dateLocale: string;
  readonly labels: Labels;
}

const NO_BREAK_SPACE = '\u00A0';
/** French typography puts a narrow no-break space inside « » so that the marks never end up alone on a line. */
const NARROW_NO_BREAK_SPACE = '\u202F';

const packs = {
  en: {
    name: 'English',
    quotes: { open: '“', close: '”' },
    dateLocale: 'en-GB',
    labels: {
      summary: 'Summary',
      keyFacts: 'Key facts',
      parties: 'Who is involved',
      partyName: 'Name',
      partyRole: 'Role',
      partyCountry: 'Country',
      keyPoints: 'Key points',
      quotes: 'Quotes',
      timeline: 'Timeline',
      timelineDate: 'Date',
      timelineEvent: 'Event',
      context: 'Background',
      sources: 'Sources',
      sourceCredit: 'Source:',
      sourcesCredit: 'Sources:',
      page: 'Page',
    },
  },
  fr: {
    name: 'French',
    quotes: { open: `«${NARROW_NO_BREAK_SPACE}`, close: `${NARROW_NO_BREAK_SPACE}»` },
    dateLocale: 'fr',
    labels: {
      summary: 'Résumé',
      keyFacts: 'Repères',
      parties: 'Acteurs',
      partyName: 'Nom',
      partyRole: 'Rôle',
      partyCountry: 'Pays',
      keyPoints: 'Points clés',
      quotes: 'Citations',
      timeline: 'Chronologie',
      timelineDate: 'Date',
      timelineEvent: 'Événement',
      context: 'Contexte',
      sources: 'Sources',
      sourceCredit: `Source${NO_BREAK_SPACE}:`,
      sourcesCredit: `Sources${NO_BREAK_SPACE}:`,
      page: 'Page',
    },
  },
  uk: {
    name: 'Ukrainian',
    quotes: { open: '«', close: '»' },
    dateLocale: 'uk',
    labels: {
      summary: 'Коротко',
      keyFacts: 'Ключові факти',
      parties: 'Учасники',
      partyName: 'Учасник',
      partyRole: 'Роль',
      partyCountry: 'Країна',
      keyPoints: 'Ключові тези',
      quotes: 'Цитати',
      timeline: 'Хронологія',
      timelineDate: 'Дата',
      timelineEvent: 'Подія',
      context: 'Контекст',
      sources: 'Джерела',
      sourceCredit: 'Джерело:',
      sourcesCredit: 'Джерела:',
      page: 'Сторінка',
    },
  },
  de: {
    name: 'German',
    quotes: { open: '„', close: '“' },
    dateLocale: 'de',
    labels: {
      summary: 'Zusammenfassung',
      keyFacts: 'Eckdaten',
      parties: 'Beteiligte',
      partyName: 'Name',
      partyRole: 'Rolle',
      partyCountry: 'Land',
      keyPoints: 'Kernpunkte',
      quotes: 'Zitate',
      timeline: 'Chronologie',
      timelineDate: 'Datum',
      timelineEvent: 'Ereignis',
      context: 'Hintergrund',
      sources: 'Quellen',
      sourceCredit: 'Quelle:',
      sourcesCredit: 'Quellen:',
      page: 'Seite',
    },
  },
  es: {
    name: 'Spanish',
    quotes: { open: '«', close: '»' },
    dateLocale: 'es',
    labels: {
      summary: 'Resumen',
      keyFacts: 'Datos clave',
      parties: 'Protagonistas',
      partyName: 'Nombre',
      partyRole: 'Papel',
      partyCountry: 'País',
      keyPoints: 'Puntos clave',
      quotes: 'Citas',
      timeline: 'Cronología',
      timelineDate: 'Fecha',
      timelineEvent: 'Acontecimiento',
      context: 'Contexto',
      sources: 'Fuentes',
      sourceCredit: 'Fuente:',
      sourcesCredit: 'Fuentes:',
      page: 'Página',
    },
  },
} as const satisfies Record<string, LanguagePack>;

type LanguageCode = keyof typeof packs;

export const supportedLanguages: readonly LanguageCode[] = Object.keys(packs) as LanguageCode[];

const fallbackLanguage: LanguageCode = 'en';

export const labelKeys: readonly LabelKey[] = Object.keys(packs[fallbackLanguage].labels) as LabelKey[];

export interface Language {
  /**
   * BCP 47 tag for the PDF /Lang: the author's tag (canonical case) when its base language is
   * supported, `en` otherwise.
   */
  readonly tag: string;
  readonly labels: Labels;
  readonly quotes: QuotationMarks;
  /** Locale handed to Intl for dates: the author's region when Intl knows it. */
  readonly dateLocale: string;
}

export interface LanguageResolution {
  readonly language: Language;
  /** Set when the document's language is not supported and English is used instead. */
  readonly warning: string | null;
}

function isLanguageCode(code: string): code is LanguageCode {
  return Object.hasOwn(packs, code);
}

function canonicalTag(requested: string): string | null {
  try {
    return Intl.getCanonicalLocales(requested)[0] ?? null;
  } catch {
    return null;
  }
}

/** `fr-CA` → French labels, Canadian dates; `pt-BR` → `pt` → English, with a warning. */
export function resolveLanguage(requested: string): LanguageResolution {
  const tag = canonicalTag(requested);
  const base = tag === null ? '' : new Intl.Locale(tag).language;
  if (tag === null || !isLanguageCode(base)) {
    const fallback = packs[fallbackLanguage];
    return {
      language: { tag: fallbackLanguage, labels: fallback.labels, quotes: fallback.quotes, dateLocale: fallback.dateLocale },
      warning: `lang "${requested}" is not supported; using ${fallback.name} (supported: ${supportedLanguages.join(', ')})`,
    };
  }
  const pack = packs[base];
  const regional = tag !== base && Intl.DateTimeFormat.supportedLocalesOf(tag).length > 0;
  return {
    language: { tag, labels: pack.labels, quotes: pack.quotes, dateLocale: regional ? tag : pack.dateLocale },
    warning: null,
  };
}

interface ClockTime {
  readonly hour: number;
  readonly minute: number;
  /** `UTC`, `UTC+02:00`; null when the author gave a local time without an offset. */
  readonly zone: string | null;
}

const TIME = /^(\d{2}):(\d{2})(?::\d{2}(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseTime(time: string): ClockTime {
  const match = TIME.exec(time);
  if (match === null) {
    throw new Error(`cannot read the time "${time}" (expected HH:MM, HH:MM:SS, optionally followed by Z or ±HH:MM)`);
  }
  const [, hour = '', minute = '', offset] = match;
  return { hour: Number(hour), minute: Number(minute), zone: offset === undefined ? null : zoneName(offset) };
}

function zoneName(offset: string): string {
  if (offset.toUpperCase() === 'Z') return 'UTC';
  const digits = offset.slice(1).replace(':', '');
  const hours = digits.slice(0, 2);
  const minutes = digits.slice(2, 4) || '00';
  return hours === '00' && minutes === '00' ? 'UTC' : `UTC${offset[0]}${hours}:${minutes}`;
}

/** Building an Intl.DateTimeFormat costs far more than using one: one per locale and precision. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, month: boolean, day: boolean, clock: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${month}|${day}|${clock}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone: 'UTC',
      year: 'numeric',
      ...(month ? { month: 'long' } : {}),
      ...(day ? { day: 'numeric' } : {}),
      ...(clock ? { hour: 'numeric', minute: '2-digit' } : {}),
    });
    dateFormats.set(key, format);
  }
  return format;
}

/**
 * A date at the precision the author gave: `2022`, `février 2022`, `28 février 2022`,
 * `28 février 2022 à 14:30 UTC`. The clock time is shown as written (never converted), so
 * formatting runs in UTC and the result never depends on the machine's time zone.
 */
export function formatDate(date: PartialDate, language: Language): string {
  const time = date.time === undefined ? null : parseTime(date.time);
  const instant = new Date(Date.UTC(2000, (date.month ?? 1) - 1, date.day ?? 1, time?.hour ?? 0, time?.minute ?? 0));
  // Date.UTC maps years 0–99 to 1900–1999.
  instant.setUTCFullYear(date.year);
  const formatted = dateFormat(language.dateLocale, date.month !== undefined, date.day !== undefined, time !== null).format(instant);
  return time?.zone ? `${formatted} ${time.zone}` : formatted;
}
