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

/**
 * The separators templates print between pieces of content (`{{punctuation "comma"}}`). `list`
 * is CLDR's list separator (`Intl.ListFormat`'s middle pattern) except in Arabic, where CLDR
 * joins every item with "و" (and); `comma` is the language's comma between a name and what
 * qualifies it, which Chinese writes "，", not the enumeration comma "、" of lists. `listEnd`
 * and `listPair` are `list` but in Thai (below): `{{listSeparator}}` puts them in a list.
 */
export interface Punctuation {
  /** Between a name and what qualifies it: a speaker and their role, a source and its date. */
  readonly comma: string;
  /** Between the items of a list: the sources in the footer. */
  readonly list: string;
  /** Before the last of three or more items. */
  readonly listEnd: string;
  /** Between the two items of a list of two. */
  readonly listPair: string;
  /** Before the speaker under a quotation. */
  readonly attribution: string;
  /** After a label ending in a colon ("Source:"): a space, none after a full-width colon "：". */
  readonly afterLabel: string;
  /** Opens a parenthesis after a word (a chart's unit after its title): " (" with its space, "（" full-width without. */
  readonly openParenthesis: string;
  readonly closeParenthesis: string;
}

export const punctuationKeys = ['comma', 'list', 'attribution', 'afterLabel', 'openParenthesis', 'closeParenthesis'] as const satisfies readonly (keyof Punctuation)[];

/** The same separator between every two items of a list. */
const everyItem = (list: string) => ({ list, listEnd: list, listPair: list });

/** Latin, Cyrillic, Greek, Hebrew, Devanagari and Korean text. */
const WESTERN: Punctuation = { comma: ', ', ...everyItem(', '), attribution: '— ', afterLabel: ' ', openParenthesis: ' (', closeParenthesis: ')' };
const ARABIC: Punctuation = { ...WESTERN, comma: '، ', ...everyItem('، ') };
/** Full-width marks carry their own space; the dash is the two-em 破折号 (U+2014 twice). */
const CHINESE: Punctuation = { comma: '，', ...everyItem('、'), attribution: '——', afterLabel: '', openParenthesis: '（', closeParenthesis: '）' };
/** Japanese writes 、 in both places and its dash as JIS X 0208's horizontal bar (U+2015) twice. */
const JAPANESE: Punctuation = { ...CHINESE, comma: '、', ...everyItem('、'), attribution: '――' };
/**
 * Thai separates with a space, not a comma; but a space alone is where a Thai phrase or sentence
 * ends, so a list is told by "และ" (and) before its last item ("AFP Reuters และAP", "AFPและAP"):
 * CLDR's whole pattern (Intl.ListFormat), not only its middle. A credit line in the other
 * languages is a list without "and" ("Źródła: PAP, Reuters, AFP"), its commas saying as much.
 */
const THAI: Punctuation = { ...WESTERN, comma: ' ', ...cldrListSeparators('th') };

interface LanguagePack {
  /** English name, for warnings. */
  readonly name: string;
  readonly quotes: QuotationMarks;
  readonly punctuation: Punctuation;
  /** The page number in the footer, `{page}` and `{count}` its numbers; default "<page label> {page} / {count}". */
  readonly pageOf?: string;
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
    punctuation: WESTERN,
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
    punctuation: WESTERN,
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
    punctuation: WESTERN,
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
    punctuation: WESTERN,
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
    punctuation: WESTERN,
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
  ar: {
    name: 'Arabic',
    quotes: { open: '«', close: '»' },
    punctuation: ARABIC,
    dateLocale: 'ar',
    labels: {
      summary: 'ملخص',
      keyFacts: 'حقائق أساسية',
      parties: 'الأطراف المعنية',
      partyName: 'الاسم',
      partyRole: 'الدور',
      partyCountry: 'البلد',
      keyPoints: 'النقاط الرئيسية',
      quotes: 'تصريحات',
      timeline: 'التسلسل الزمني',
      timelineDate: 'التاريخ',
      timelineEvent: 'الحدث',
      context: 'خلفية',
      sources: 'المصادر',
      sourceCredit: 'المصدر:',
      sourcesCredit: 'المصادر:',
      page: 'صفحة',
    },
  },
  he: {
    name: 'Hebrew',
    quotes: { open: '”', close: '”' },
    punctuation: WESTERN,
    dateLocale: 'he',
    labels: {
      summary: 'תקציר',
      keyFacts: 'עובדות מרכזיות',
      parties: 'המעורבים',
      partyName: 'שם',
      partyRole: 'תפקיד',
      partyCountry: 'מדינה',
      keyPoints: 'נקודות עיקריות',
      quotes: 'ציטוטים',
      timeline: 'ציר זמן',
      timelineDate: 'תאריך',
      timelineEvent: 'אירוע',
      context: 'רקע',
      sources: 'מקורות',
      sourceCredit: 'מקור:',
      sourcesCredit: 'מקורות:',
      page: 'עמוד',
    },
  },
  'zh-Hans': {
    name: 'Chinese (Simplified)',
    quotes: { open: '“', close: '”' },
    punctuation: CHINESE,
    pageOf: '第{page}页，共{count}页',
    dateLocale: 'zh-Hans',
    labels: {
      summary: '摘要',
      keyFacts: '关键事实',
      parties: '相关方',
      partyName: '名称',
      partyRole: '角色',
      partyCountry: '国家',
      keyPoints: '要点',
      quotes: '引述',
      timeline: '时间线',
      timelineDate: '日期',
      timelineEvent: '事件',
      context: '背景',
      sources: '来源',
      sourceCredit: '来源：',
      sourcesCredit: '来源：',
      page: '页',
    },
  },
  'zh-Hant': {
    name: 'Chinese (Traditional)',
    quotes: { open: '「', close: '」' },
    punctuation: CHINESE,
    pageOf: '第{page}頁，共{count}頁',
    dateLocale: 'zh-Hant',
    labels: {
      summary: '摘要',
      keyFacts: '重要事實',
      parties: '相關方',
      partyName: '名稱',
      partyRole: '角色',
      partyCountry: '國家',
      keyPoints: '要點',
      quotes: '引述',
      timeline: '時間線',
      timelineDate: '日期',
      timelineEvent: '事件',
      context: '背景',
      sources: '來源',
      sourceCredit: '來源：',
      sourcesCredit: '來源：',
      page: '頁',
    },
  },
  ja: {
    name: 'Japanese',
    quotes: { open: '「', close: '」' },
    punctuation: JAPANESE,
    pageOf: '{page} / {count} ページ',
    dateLocale: 'ja',
    labels: {
      summary: '概要',
      keyFacts: '主な事実',
      parties: '関係者',
      partyName: '名前',
      partyRole: '役割',
      partyCountry: '国',
      keyPoints: '要点',
      quotes: '発言',
      timeline: '経緯',
      timelineDate: '日付',
      timelineEvent: '出来事',
      context: '背景',
      sources: '出典',
      sourceCredit: '出典：',
      sourcesCredit: '出典：',
      page: 'ページ',
    },
  },
  ko: {
    name: 'Korean',
    quotes: { open: '“', close: '”' },
    punctuation: WESTERN,
    dateLocale: 'ko',
    labels: {
      summary: '요약',
      keyFacts: '주요 사실',
      parties: '관계자',
      partyName: '이름',
      partyRole: '역할',
      partyCountry: '국가',
      keyPoints: '핵심 내용',
      quotes: '발언',
      timeline: '경과',
      timelineDate: '날짜',
      timelineEvent: '사건',
      context: '배경',
      sources: '출처',
      sourceCredit: '출처:',
      sourcesCredit: '출처:',
      page: '페이지',
    },
  },
  hi: {
    name: 'Hindi',
    quotes: { open: '“', close: '”' },
    punctuation: WESTERN,
    dateLocale: 'hi',
    labels: {
      summary: 'सारांश',
      keyFacts: 'मुख्य तथ्य',
      parties: 'संबंधित पक्ष',
      partyName: 'नाम',
      partyRole: 'भूमिका',
      partyCountry: 'देश',
      keyPoints: 'मुख्य बिंदु',
      quotes: 'उद्धरण',
      timeline: 'घटनाक्रम',
      timelineDate: 'तारीख',
      timelineEvent: 'घटना',
      context: 'पृष्ठभूमि',
      sources: 'स्रोत',
      sourceCredit: 'स्रोत:',
      sourcesCredit: 'स्रोत:',
      page: 'पृष्ठ',
    },
  },
  th: {
    name: 'Thai',
    quotes: { open: '“', close: '”' },
    punctuation: THAI,
    dateLocale: 'th',
    labels: {
      summary: 'สรุป',
      keyFacts: 'ข้อเท็จจริงสำคัญ',
      parties: 'ผู้เกี่ยวข้อง',
      partyName: 'ชื่อ',
      partyRole: 'บทบาท',
      partyCountry: 'ประเทศ',
      keyPoints: 'ประเด็นสำคัญ',
      quotes: 'คำกล่าว',
      timeline: 'ลำดับเหตุการณ์',
      timelineDate: 'วันที่',
      timelineEvent: 'เหตุการณ์',
      context: 'ภูมิหลัง',
      sources: 'แหล่งที่มา',
      sourceCredit: 'แหล่งที่มา:',
      sourcesCredit: 'แหล่งที่มา:',
      page: 'หน้า',
    },
  },
  ru: {
    name: 'Russian',
    quotes: { open: '«', close: '»' },
    punctuation: WESTERN,
    dateLocale: 'ru',
    labels: {
      summary: 'Кратко',
      keyFacts: 'Ключевые факты',
      parties: 'Участники',
      partyName: 'Участник',
      partyRole: 'Роль',
      partyCountry: 'Страна',
      keyPoints: 'Главное',
      quotes: 'Цитаты',
      timeline: 'Хронология',
      timelineDate: 'Дата',
      timelineEvent: 'Событие',
      context: 'Контекст',
      sources: 'Источники',
      sourceCredit: 'Источник:',
      sourcesCredit: 'Источники:',
      page: 'Страница',
    },
  },
  it: {
    name: 'Italian',
    quotes: { open: '«', close: '»' },
    punctuation: WESTERN,
    dateLocale: 'it',
    labels: {
      summary: 'Sintesi',
      keyFacts: 'Dati chiave',
      parties: 'Protagonisti',
      partyName: 'Nome',
      partyRole: 'Ruolo',
      partyCountry: 'Paese',
      keyPoints: 'Punti chiave',
      quotes: 'Citazioni',
      timeline: 'Cronologia',
      timelineDate: 'Data',
      timelineEvent: 'Evento',
      context: 'Contesto',
      sources: 'Fonti',
      sourceCredit: 'Fonte:',
      sourcesCredit: 'Fonti:',
      page: 'Pagina',
    },
  },
  pt: {
    name: 'Portuguese',
    quotes: { open: '“', close: '”' },
    punctuation: WESTERN,
    dateLocale: 'pt',
    labels: {
      summary: 'Resumo',
      keyFacts: 'Dados principais',
      parties: 'Envolvidos',
      partyName: 'Nome',
      partyRole: 'Papel',
      partyCountry: 'País',
      keyPoints: 'Pontos principais',
      quotes: 'Citações',
      timeline: 'Cronologia',
      timelineDate: 'Data',
      timelineEvent: 'Acontecimento',
      context: 'Contexto',
      sources: 'Fontes',
      sourceCredit: 'Fonte:',
      sourcesCredit: 'Fontes:',
      page: 'Página',
    },
  },
  pl: {
    name: 'Polish',
    quotes: { open: '„', close: '”' },
    punctuation: WESTERN,
    dateLocale: 'pl',
    labels: {
      summary: 'Streszczenie',
      keyFacts: 'Najważniejsze fakty',
      parties: 'Uczestnicy',
      // "Nazwa" names a thing or an organisation, never a person; the column holds both.
      partyName: 'Uczestnik',
      partyRole: 'Rola',
      partyCountry: 'Kraj',
      keyPoints: 'Najważniejsze punkty',
      quotes: 'Cytaty',
      timeline: 'Kalendarium',
      timelineDate: 'Data',
      timelineEvent: 'Wydarzenie',
      context: 'Tło',
      sources: 'Źródła',
      sourceCredit: 'Źródło:',
      sourcesCredit: 'Źródła:',
      page: 'Strona',
    },
  },
  tr: {
    name: 'Turkish',
    quotes: { open: '“', close: '”' },
    punctuation: WESTERN,
    dateLocale: 'tr',
    labels: {
      summary: 'Özet',
      keyFacts: 'Temel bilgiler',
      parties: 'Taraflar',
      partyName: 'Ad',
      partyRole: 'Rol',
      partyCountry: 'Ülke',
      keyPoints: 'Öne çıkanlar',
      quotes: 'Alıntılar',
      timeline: 'Kronoloji',
      timelineDate: 'Tarih',
      timelineEvent: 'Olay',
      context: 'Arka plan',
      sources: 'Kaynaklar',
      sourceCredit: 'Kaynak:',
      sourcesCredit: 'Kaynaklar:',
      page: 'Sayfa',
    },
  },
  nl: {
    name: 'Dutch',
    quotes: { open: '‘', close: '’' },
    punctuation: WESTERN,
    dateLocale: 'nl',
    labels: {
      summary: 'Samenvatting',
      keyFacts: 'Kerncijfers',
      parties: 'Betrokkenen',
      partyName: 'Naam',
      partyRole: 'Rol',
      partyCountry: 'Land',
      keyPoints: 'Belangrijkste punten',
      quotes: 'Citaten',
      timeline: 'Tijdlijn',
      timelineDate: 'Datum',
      timelineEvent: 'Gebeurtenis',
      context: 'Achtergrond',
      sources: 'Bronnen',
      sourceCredit: 'Bron:',
      sourcesCredit: 'Bronnen:',
      page: 'Pagina',
    },
  },
} as const satisfies Record<string, LanguagePack>;

type LanguageCode = keyof typeof packs;

export const supportedLanguages: readonly LanguageCode[] = Object.keys(packs) as LanguageCode[];

const fallbackLanguage: LanguageCode = 'en';

export const labelKeys: readonly LabelKey[] = Object.keys(packs[fallbackLanguage].labels) as LabelKey[];

export interface Language {
  /**
   * BCP 47 tag for the PDF /Lang: the author's tag (canonical case), whether or not its labels
   * fall back to English.
   */
  readonly tag: string;
  readonly labels: Labels;
  readonly quotes: QuotationMarks;
  readonly punctuation: Punctuation;
  /** The footer's page number: `{page}` and `{count}` stand for the numbers ("第{page}页，共{count}页"). */
  readonly pageOf: string;
  /** Locale handed to Intl for dates: the author's region when Intl knows it. */
  readonly dateLocale: string;
  /** The labels' and page number's language when it is not the document's (English for Persian); null when it is. */
  readonly labelsIn: string | null;
  /** The dates' language when Intl does not know the document's; null when they are in it. */
  readonly datesIn: string | null;
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

/**
 * The pack for a canonical tag: the tag's language and script for Chinese (`zh-TW` → `zh-Hant`,
 * `zh` → `zh-Hans`, as `Intl.Locale.maximize` infers them), its language for the others.
 */
function packFor(tag: string): LanguageCode | null {
  const locale = new Intl.Locale(tag);
  const withScript = `${locale.language}-${locale.maximize().script ?? ''}`;
  if (isLanguageCode(withScript)) return withScript;
  return isLanguageCode(locale.language) ? locale.language : null;
}

/** One per tag a document asks for: the Intl look-ups behind a resolution cost more than filling a template. */
const resolutions = new Map<string, LanguageResolution>();

/**
 * `fr-CA` → French labels, Canadian dates; `zh-TW` → Traditional Chinese; `sw` → English
 * labels with a warning. The PDF's /Lang stays the author's tag in every case.
 */
export function resolveLanguage(requested: string): LanguageResolution {
  let resolution = resolutions.get(requested);
  if (resolution === undefined) {
    resolution = resolveOnce(requested);
    resolutions.set(requested, resolution);
  }
  return resolution;
}

function resolveOnce(requested: string): LanguageResolution {
  const tag = canonicalTag(requested);
  const code = tag === null ? null : packFor(tag);
  if (tag === null || code === null) {
    const fallback = packs[fallbackLanguage];
    const own = tag === null ? null : ownDateLocale(tag);
    return {
      language: {
        tag: tag ?? fallbackLanguage,
        labels: fallback.labels,
        quotes: (tag === null ? undefined : OWN_QUOTES[new Intl.Locale(tag).language]) ?? fallback.quotes,
        punctuation: tag === null ? fallback.punctuation : cldrPunctuation(tag, fallback.punctuation),
        pageOf: pageOf(fallback),
        dateLocale: own ?? fallback.dateLocale,
        labelsIn: tag === null ? null : fallbackLanguage,
        datesIn: tag === null || own !== null ? null : fallbackLanguage,
      },
      warning: `lang "${requested}" is not supported; using ${fallback.name} labels (supported: ${supportedLanguages.join(', ')})`,
    };
  }
  const pack = packs[code];
  const regional = tag !== code && Intl.DateTimeFormat.supportedLocalesOf(tag).length > 0;
  return {
    language: { tag, labels: pack.labels, quotes: regionalQuotes(tag) ?? pack.quotes, punctuation: pack.punctuation, pageOf: pageOf(pack), dateLocale: regional ? tag : pack.dateLocale, labelsIn: null, datesIn: null },
    warning: null,
  };
}

/**
 * Quotation marks of languages without labels of their own, as CLDR gives them (Intl has no API for
 * them): a Persian reader expects «…», a Czech one „…“, not the English “…” of the labels. Only
 * languages whose CLDR marks differ from the English ones are listed.
 */
const OWN_QUOTES: Readonly<Record<string, QuotationMarks>> = {
  bg: { open: '„', close: '“' },
  cs: { open: '„', close: '“' },
  el: { open: '«', close: '»' },
  et: { open: '„', close: '“' },
  fa: { open: '«', close: '»' },
  fi: { open: '”', close: '”' },
  hu: { open: '„', close: '”' },
  lt: { open: '„', close: '“' },
  nb: { open: '«', close: '»' },
  ps: { open: '«', close: '»' },
  ro: { open: '„', close: '”' },
  sk: { open: '„', close: '“' },
  sl: { open: '„', close: '“' },
  sv: { open: '”', close: '”' },
};

const GUILLEMETS: QuotationMarks = { open: '«', close: '»' };

/**
 * A region that quotes otherwise than its language's pack, as CLDR has it: Portugal «…», and
 * with it every Portuguese-speaking region but Brazil (`pt` alone is Brazilian Portuguese);
 * Switzerland's German «…». A Lisbon reader takes “…” for a Brazilian text.
 */
function regionalQuotes(tag: string): QuotationMarks | null {
  const { language, region } = new Intl.Locale(tag);
  if (region === undefined) return null;
  if (language === 'pt' && region !== 'BR') return GUILLEMETS;
  if (language === 'de' && region === 'CH') return GUILLEMETS;
  return null;
}

/** Chinese counts "page 1 of 2" as 第1页，共2页; most languages as "Page 1 / 2". */
function pageOf(pack: LanguagePack): string {
  return pack.pageOf ?? `${pack.labels.page} {page} / {count}`;
}

/** CLDR's separators of a list ("and" before the last item where the language writes it), as Intl.ListFormat joins items. */
function cldrListSeparators(tag: string): Pick<Punctuation, 'list' | 'listEnd' | 'listPair'> {
  const format = new Intl.ListFormat(tag, { type: 'conjunction' });
  const literals = (count: number) => format.formatToParts(Array.from({ length: count }, (_, index) => `${index}`)).filter((part) => part.type === 'literal').map((part) => part.value);
  const [list = ', ', , listEnd = list] = literals(4);
  const [listPair = list] = literals(2);
  return { list, listEnd, listPair };
}

/**
 * A language without labels of its own still gets its own comma (Persian and Urdu "،"): CLDR's
 * list separator for the tag, without the invisible marks it may hold (Persian's RLM).
 */
function cldrPunctuation(tag: string, fallback: Punctuation): Punctuation {
  const parts = new Intl.ListFormat(tag, { type: 'conjunction' }).formatToParts(['a', 'b', 'c', 'd']);
  const middle = parts.filter((part) => part.type === 'literal')[1]?.value.replace(/\p{Cf}/gu, '');
  return middle === undefined || middle === '' ? fallback : { ...fallback, comma: middle, ...everyItem(middle) };
}

/**
 * Calendars whose years and months are the Gregorian ones (the Thai solar year is 2022 + 543):
 * a date given to the month or the year means the same span in them.
 */
const GREGORIAN_MONTHS: ReadonlySet<string> = new Set(['gregory', 'iso8601', 'buddhist', 'japanese', 'roc']);

/**
 * Dates in the document's own language when Intl knows it, labels or not (Persian "۲۸ فوریهٔ
 * ۲۰۲۲", Urdu "28 فروری، 2022"): an English date set in a right-to-left paragraph reads as
 * neither. In the Gregorian calendar when the language's own (Persian's solar Hijri) has other
 * months: February 2022 is neither one of its months nor one of its years. Null when Intl
 * formats the tag in some other language.
 */
function ownDateLocale(tag: string): string | null {
  if (Intl.DateTimeFormat.supportedLocalesOf(tag).length === 0) return null;
  const { calendar } = new Intl.DateTimeFormat(tag).resolvedOptions();
  return GREGORIAN_MONTHS.has(calendar) ? tag : new Intl.Locale(tag, { calendar: 'gregory' }).toString();
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
