/**
 * Demands or decisions the text enumerates after a colon, each item behind a dash or bullet:
 * "… sur le terrain : - un arrêt …, - une préservation … — une sécurisation …". Lines of a list are
 * joined into the paragraph before this runs, so a list on its own lines reads the same way.
 */
export interface FoundPoint {
  readonly text: string;
  /** Offset in the paragraph. */
  readonly at: number;
}

const LIST_START = /:\s*[-–—•*]\s+/g;
const ITEM_SEPARATOR = /[,;]?\s+[-–—•*]\s+/g;
/** A list ends where its sentence or quotation ends. */
const LIST_END = /[»”"]|\.(?=\s+\p{Lu}|\s*$)/u;
const MIN_ITEMS = 2;

export function keyPointsOf(paragraph: string): FoundPoint[] {
  return [...paragraph.matchAll(LIST_START)].flatMap((start) => {
    const from = start.index + start[0].length;
    const rest = paragraph.slice(from);
    const end = LIST_END.exec(rest)?.index ?? rest.length;
    const body = rest.slice(0, end);
    const items: FoundPoint[] = [];
    let itemStart = 0;
    for (const separator of [...body.matchAll(ITEM_SEPARATOR), null]) {
      const itemEnd = separator ? separator.index : body.length;
      const text = body.slice(itemStart, itemEnd).replace(/[\s,;.]+$/, '').trim();
      if (text !== '') items.push({ text: text.charAt(0).toUpperCase() + text.slice(1), at: from + itemStart });
      if (separator) itemStart = separator.index + separator[0].length;
    }
    return items.length >= MIN_ITEMS ? items : [];
  });
}
