/** What a name looks like in a dispatch, as regular expression sources shared by speakers and parties. */
import { HONORIFICS, SPEAKER_NOUNS } from './lexicon';

export const CAPITALISED = String.raw`\p{Lu}[\p{L}\p{M}]*(?:[-’'ʼ][\p{L}\p{M}]+)*`;
/** Up to five capitalised words, with the particles of names between them ("Ursula von der Leyen"). */
export const NAME = String.raw`${CAPITALISED}(?:\s+(?:(?:de|du|von|van|der|den|da|di|al|bin|ben|la|le)\s+){0,2}${CAPITALISED}){0,4}`;
export const HONORIFIC = String.raw`(?:${HONORIFICS}|пан|пані)\s+`;
export const ARTICLE = String.raw`(?:[lL][’']|(?:le|la|les|the|Le|La|Les|The)\s+)`;
/**
 * A speaker who is described, not named: "la présidence française", "a spokesman for the agency",
 * "officials". The description runs to a comma or the end of the clause, five words at most.
 */
export const DESCRIPTION = String.raw`(?:(?:la|le|les|l[’']|un|une|des|the|a|an)\s*)?(?:[\p{Ll}-]+\s+)?(?:${SPEAKER_NOUNS.join('|')})(?:\s+(?:(?:de|du|des|d[’']|of|for|the|la|le|les|l[’'])\s*)*[\p{L}’'-]+){0,3}?`;
