/** A dispatch's paragraphs, with the way back from each character to where it stands in the file. */

export interface Paragraph {
  /** Line breaks and runs of spaces are one space: wire copy is often wrapped. */
  readonly text: string;
  /** Offset in the file of each character of `text`. */
  readonly offsets: Int32Array;
}

/** Blank lines separate paragraphs; `from` skips what precedes the text (the date token). */
export function paragraphsOf(text: string, from: number): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const separator = /\n[ \t]*\n\s*/g;
  separator.lastIndex = from;
  let start = from;
  for (;;) {
    const match = separator.exec(text);
    const end = match ? match.index : text.length;
    const paragraph = normalised(text, start, end);
    if (paragraph.text !== '') paragraphs.push(paragraph);
    if (!match) return paragraphs;
    start = match.index + match[0].length;
  }
}

function normalised(text: string, start: number, end: number): Paragraph {
  const chars: string[] = [];
  const offsets = new Int32Array(end - start);
  let length = 0;
  let pendingSpace = false;
  for (let index = start; index < end; index += 1) {
    const char = text[index] as string;
    if (char === ' ' || char === '\t' || char === '\n') {
      pendingSpace = length > 0;
      continue;
    }
    if (pendingSpace) {
      chars.push(' ');
      offsets[length] = index - 1;
      length += 1;
      pendingSpace = false;
    }
    chars.push(char);
    offsets[length] = index;
    length += 1;
  }
  return { text: chars.join(''), offsets: offsets.subarray(0, length) };
}

/** The file offset of a character of the paragraph (its end maps just past its last character). */
export function fileOffset(paragraph: Paragraph, index: number): number {
  if (index < paragraph.offsets.length) return paragraph.offsets[index] as number;
  return (paragraph.offsets[paragraph.offsets.length - 1] ?? -1) + 1;
}
