/**
 * The people a dispatch names, one entry per person ("M. Poutine", "MM. Macron et Poutine" and
 * "Vladimir Poutine" are one: the same last name), with the title or apposition that gives their
 * role; and the organisations that speak (Élysée, UN), found where they are quoted or attributed.
 */
import { ATTRIBUTION_VERBS, CLAUSE_WORDS, FUNCTION_WORDS, HONORIFICS, lazily, MONTHS, ORGANISATION_WORDS, PLACE_FIRST_WORDS, TITLE_WORDS, WEEKDAYS } from './lexicon';
import { ARTICLE, CAPITALISED, HONORIFIC, NAME } from './names';

/** Offsets are in the file, so that every party and role can be pointed at. */
export interface Person {
  name: string;
  nameAt: number;
  role?: string;
  roleAt?: number;
  /** Last name, lower case: what folds mentions together. */
  readonly key: string;
  /** Named in full, or with a title or honorific: listed. A bare last name alone is not. */
  named: boolean;
}

export interface Organisation {
  readonly name: string;
  readonly at: number;
}

/** A mention found in one paragraph; offsets are in the paragraph. */
export interface Mention {
  readonly words: readonly string[];
  readonly at: number;
  readonly role?: { readonly text: string; readonly at: number };
  readonly titled: boolean;
}

const capitalisedVariants = (words: readonly string[]): string =>
  words.flatMap((word) => [word, word.charAt(0).toUpperCase() + word.slice(1)]).join('|');
const COMPLEMENT_WORD = lazily(() => {
  const clause = [...CLAUSE_WORDS().fr, ...CLAUSE_WORDS().en].join('|');
  return String.raw`(?!(?:${clause})(?![\p{L}]))[\p{L}’'-]+`;
});
const PATTERNS = lazily(() => {
  const titles = capitalisedVariants(TITLE_WORDS);
  return {
    mention: new RegExp(String.raw`(?=\p{Lu})(?<![\p{L}\p{M}.])(?:(${HONORIFICS})\s+)?(${NAME})`, 'gu'),
    /** "MM. Macron et Poutine": the second name of a pair under one honorific. */
    pairedName: new RegExp(String.raw`^\s+(?:et|and)\s+(${CAPITALISED})`, 'u'),
    /** "le président ukrainien Volodymyr Zelensky", "Le ministre de la Santé, François Braun". */
    roleBefore: new RegExp(
      String.raw`(?:^|[\s,(«“])(?:(?:le|la|les|l[’']|son|sa|the|his|her|its|Le|La|Les|L[’']|The)\s*)?((?:${titles})(?:\s+${COMPLEMENT_WORD()}){0,4})\s*,?\s*$`,
      'u',
    ),
    /** "Laurent Berger, secrétaire général de la CFDT,". */
    roleAfter: new RegExp(
      String.raw`^\s*,\s+(?:(?:le|la|l[’']|the|a|an)\s*)?((?:${titles})(?:\s+${COMPLEMENT_WORD()}){0,5}?)\s*(?=[,.;)]|$)`,
      'u',
    ),
    /** Organisations that speak outside quotes too: "selon l’Élysée", "the agency said", "according to the IEA". */
    attributed: new RegExp(
      String.raw`(?=[\p{L}\s,])(?:(?:${ATTRIBUTION_VERBS})\s+(?:${ARTICLE})?((?:${HONORIFIC})?${NAME})|(?:^|[\s,])(?:${ARTICLE})?((?:${HONORIFIC})?${NAME})\s+(?:said|says|told|stated|announced|a\s+(?:annoncé|déclaré|dit|jugé|estimé|indiqué))(?![\p{L}]))`,
      'gu',
    ),
  };
});

const TITLE_SET = lazily(() => new Set(TITLE_WORDS));

/** The names of a paragraph, with roles; `quoted` spans give no role (a quote's words are not the dispatch's). */
export function mentionsOf(paragraph: string, quoted: readonly { start: number; end: number }[]): Mention[] {
  const { mention, pairedName, roleBefore, roleAfter } = PATTERNS();
  const mentions: Mention[] = [];
  let span = 0;
  for (const match of paragraph.matchAll(mention)) {
    // Mentions come in order, so the quote that may hold each one is found by walking forward once.
    while ((quoted[span]?.end ?? Infinity) <= match.index) span += 1;
    const honorific = match[1];
    const nameAt = match.index + match[0].length - (match[2] as string).length;
    const split = splitTitle(match[2] as string);
    if (split === null) continue;
    const inQuote = match.index > (quoted[span]?.start ?? Infinity);
    const before = roleNear(roleBefore, paragraph.slice(Math.max(0, match.index - 80), match.index));
    const after = roleNear(roleAfter, paragraph.slice(match.index + match[0].length, match.index + match[0].length + 120));
    const role = inQuote
      ? undefined
      : split.role !== undefined
        ? { text: split.role, at: nameAt }
        : before?.[1]
          ? { text: before[1], at: match.index - (before[0].length - before[0].indexOf(before[1])) }
          : after?.[1]
            ? { text: after[1], at: match.index + match[0].length + after[0].indexOf(after[1]) }
            : undefined;
    const titled = honorific !== undefined || split.role !== undefined || (before?.[1] !== undefined && !inQuote);
    mentions.push({ words: split.name, at: nameAt + split.offset, titled, ...(role ? { role } : {}) });
    const paired = honorific === 'MM.' ? pairedName.exec(paragraph.slice(match.index + match[0].length)) : null;
    if (paired?.[1]) mentions.push({ words: [paired[1]], at: match.index + match[0].length + paired[0].length - paired[1].length, titled: true });
  }
  return mentions;
}

/**
 * The role an apposition gives, if the words near a name hold a title at all (looked up word by
 * word first: the pattern tries every title at every position). "le ministre de la Santé": a role
 * never ends on "de la", which says that "Santé" is not a name but the role's end.
 */
function roleNear(pattern: RegExp, near: string): RegExpExecArray | null {
  if (!near.split(/[\s,(«“]+/).some((word) => TITLE_SET().has(word.toLowerCase()))) return null;
  const match = pattern.exec(near);
  const last = match?.[1]?.split(/\s+/).pop();
  return last !== undefined && FUNCTION_WORDS().has(last.toLowerCase().replace(/[’']$/, '')) ? null : match;
}

/**
 * A run of capitalised words as name and title: "Hungarian Prime Minister Viktor Orban" is Viktor
 * Orban, Hungarian Prime Minister. Null when the run is a place, an organisation, a date or a
 * sentence's first words ("Au", "The").
 */
export function splitTitle(run: string): { name: string[]; role?: string; offset: number } | null {
  const words = run.split(/\s+/);
  let offset = 0;
  while (words.length > 0 && isSentenceWord(words[0] as string)) offset += (words.shift() as string).length + 1;
  const titleIndex = words.map((word) => TITLE_SET().has(word.toLowerCase())).lastIndexOf(true);
  const role = titleIndex >= 0 ? words.slice(0, titleIndex + 1).join(' ') : undefined;
  const name = words.slice(titleIndex + 1);
  if (titleIndex >= 0) offset += `${role} `.length;
  if (name.length === 0 || !looksLikePersonName(name)) return null;
  return { name, offset, ...(role === undefined ? {} : { role }) };
}

/** "Le", "Au", "The" opening a sentence; not "UN", which is an acronym that "un" only looks like. */
function isSentenceWord(word: string): boolean {
  return FUNCTION_WORDS().has(word.toLowerCase()) && (word.length === 1 || word !== word.toUpperCase());
}

function looksLikePersonName(words: readonly string[]): boolean {
  if (PLACE_FIRST_WORDS().has((words[0] as string).toLowerCase())) return false;
  return words.every((word) => {
    const lower = word.toLowerCase();
    const acronym = word.length > 1 && word === word.toUpperCase();
    return !acronym && !ORGANISATION_WORDS().has(lower) && MONTHS[word] === undefined && WEEKDAYS[word] === undefined && !FUNCTION_WORDS().has(lower);
  });
}

/** Everyone named, folded by last name, in the order of their first mention. */
export class People {
  readonly persons: Person[] = [];
  /** File offset of each mention and whom it names, in file order. */
  private readonly mentions: { readonly at: number; readonly person: Person }[] = [];

  add(mention: Mention, toFile: (offset: number) => number): void {
    const key = (mention.words[mention.words.length - 1] as string).toLowerCase();
    const nameAt = toFile(mention.at);
    let person = this.persons.find((candidate) => candidate.key === key);
    const full = mention.words.length >= 2;
    if (!person) {
      person = { name: mention.words.join(' '), nameAt, key, named: full || mention.titled };
      this.persons.push(person);
    } else {
      if (full && person.name.split(' ').length < mention.words.length) {
        person.name = mention.words.join(' ');
        person.nameAt = nameAt;
      }
      person.named ||= full || mention.titled;
    }
    if (mention.role && person.role === undefined) {
      person.role = mention.role.text;
      person.roleAt = toFile(mention.role.at);
    }
    this.mentions.push({ at: nameAt, person });
  }

  /** The person a bare name ("Guterres", "M. Zelensky", "President Putin") stands for, if named elsewhere. */
  lookup(name: string): Person | null {
    const split = splitTitle(name.replace(new RegExp(String.raw`^(?:${HONORIFIC})`, 'u'), ''));
    if (split === null) return null;
    const key = (split.name[split.name.length - 1] as string).toLowerCase();
    return this.persons.find((person) => person.key === key && person.named) ?? null;
  }

  /** "he said", "a-t-il ajouté": the last person named before that point. */
  lastBefore(at: number): Person | null {
    // Asked once every name is in: mentions of people never named in full are left out once.
    this.namedMentions ??= this.mentions.filter((mention) => mention.person.named);
    const mentions = this.namedMentions;
    let low = 0;
    let high = mentions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((mentions[middle] as { at: number }).at < at) low = middle + 1;
      else high = middle;
    }
    return mentions[low - 1]?.person ?? null;
  }

  private namedMentions: readonly { readonly at: number; readonly person: Person }[] | undefined;

  listed(): Person[] {
    return this.persons.filter((person) => person.named);
  }
}

/** A name that is not a person's: an acronym, an organisation's name, or a single word ("Élysée", "Kremlin"). */
export function isOrganisationName(name: string): boolean {
  const words = name.split(/\s+/);
  if (words.length === 1) return true;
  return words.some((word) => ORGANISATION_WORDS().has(word.toLowerCase()) || (word.length > 1 && word === word.toUpperCase()));
}

/** Names attributed speech outside quotes: the organisations among them are parties. */
export function attributedNames(paragraph: string): { name: string; at: number }[] {
  return [...paragraph.matchAll(PATTERNS().attributed)].flatMap((match) => {
    const name = match[1] ?? match[2];
    if (name === undefined) return [];
    const words = name.split(/\s+/);
    while (words.length > 1 && isSentenceWord(words[0] as string)) words.shift();
    const trimmed = words.join(' ');
    if (FUNCTION_WORDS().has(trimmed.toLowerCase())) return [];
    return [{ name: trimmed, at: match.index + match[0].lastIndexOf(trimmed) }];
  });
}
