/**
 * Bytes to text, shared by every encoding: the checks an editor's upload must pass before any
 * parser sees it.
 */
import { InputError } from '../errors';
import { TextLocator } from '../locator';
import type { SourceFile } from '../types';

/** File signatures of what people upload by mistake, so the message can say what the file is. */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF file' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (Word, Excel and OpenDocument files are ZIP archives)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Microsoft Office file' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66], what: 'an RTF document' },
];

const TEXT_EXPECTED = 'a text file in UTF-8 (or UTF-16 with a byte order mark)';

/**
 * Decodes UTF-8 (with or without a BOM) and UTF-16 with a BOM; refuses binary files and other
 * encodings. The text returned has `\n` line endings and is in Unicode NFC, so that `é` typed on a
 * Mac (e + combining accent) is the same character the fonts and the checks expect.
 */
export function decodeText(source: SourceFile): string {
  const { bytes, name } = source;
  const signature = SIGNATURES.find((candidate) => candidate.bytes.every((byte, index) => bytes[index] === byte));
  if (signature) throw new InputError(name, [{ message: `this is ${signature.what}, not a text document`, expected: TEXT_EXPECTED }]);

  const text = decodeBytes(name, bytes);
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const { line, column } = new TextLocator(text).at(nul);
    throw new InputError(name, [
      { line, column, message: 'the file contains NUL characters: it is binary, not a text document', expected: TEXT_EXPECTED },
    ]);
  }
  return text.replace(/\r\n?/g, '\n').normalize('NFC');
}

function decodeBytes(name: string, bytes: Uint8Array): string {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  if (utf16) {
    try {
      return new TextDecoder(utf16, { fatal: true }).decode(bytes);
    } catch (error) {
      throw new InputError(
        name,
        [
          {
            message: `the file starts with a ${utf16.toUpperCase()} byte order mark but is not valid ${utf16.toUpperCase()}`,
            expected: TEXT_EXPECTED,
          },
        ],
        { cause: error },
      );
    }
  }
  if (looksLikeUtf16WithoutBom(bytes)) {
    throw new InputError(name, [
      {
        message: 'the file looks like UTF-16 without a byte order mark, which cannot be told apart from binary data',
        expected: 'UTF-8: save the file as "UTF-8"',
      },
    ]);
  }
  try {
    // TextDecoder drops a UTF-8 byte order mark.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new InputError(name, [invalidUtf8Problem(bytes)], { cause: error });
  }
}

/** Latin text in UTF-16 has a zero in every other byte. */
function looksLikeUtf16WithoutBom(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64);
  if (sample.length < 4) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  sample.forEach((byte, index) => {
    if (byte !== 0) return;
    if (index % 2 === 0) evenZeros += 1;
    else oddZeros += 1;
  });
  const half = sample.length / 2;
  return evenZeros >= half * 0.75 || oddZeros >= half * 0.75;
}

function invalidUtf8Problem(bytes: Uint8Array): { line: number; column: number; message: string; expected: string } {
  const offset = firstInvalidUtf8Offset(bytes);
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const { line, column } = new TextLocator(before).at(before.length);
  const value = bytes[offset] ?? 0;
  const byte = value.toString(16).toUpperCase().padStart(2, '0');
  // A lone byte from 0xA0 up followed by plain ASCII is how Latin-1 / Windows-1252 write é, à, «, »…
  const latin1 = value >= 0xa0 && (bytes[offset + 1] ?? 0) < 0x80;
  const hint = latin1 ? ' (the file is probably in Latin-1 or Windows-1252)' : '';
  return {
    line,
    column,
    message: `the file is not valid UTF-8: byte 0x${byte} cannot start or continue a character${hint}`,
    expected: 'UTF-8: save the file as "UTF-8"',
  };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] as number;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return index;
    for (let next = 1; next < length; next += 1) {
      const byte = bytes[index + next];
      if (byte === undefined || byte < 0x80 || byte > 0xbf) return index;
    }
    const second = bytes[index + 1] ?? 0;
    const overlongOrSurrogate =
      (lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f);
    if (overlongOrSurrogate) return index;
    index += length;
  }
  return index;
}
