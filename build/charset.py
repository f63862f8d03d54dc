#!/usr/bin/env python3
"""
Prints every character that the given legacy CJK encodings can write, for pyftsubset --text-file:

  build/charset.py gb2312             GB 2312 (Simplified Chinese)
  build/charset.py euc_jp cp932       JIS X 0201 + JIS X 0208, with the NEC and IBM extensions
  build/charset.py cp949              KS X 1001 and the other 8 822 Hangul syllables
  build/charset.py big5 cp950         Big5 with the ETEN and Microsoft additions

The sets come from Python's own codecs (every one- and two-byte sequence decoded), not from
ranges written by hand. Private-use code points are left out: no font has a glyph for them.
"""
import sys


def characters(encoding):
    found = set()
    for lead in range(0x80, 0x100):
        for sequence in [bytes([lead])] + [bytes([lead, trail]) for trail in range(0x40, 0x100)]:
            try:
                text = sequence.decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(text) == 1 and not 0xE000 <= ord(text) <= 0xF8FF and ord(text) >= 0xA0:
                found.add(text)
    return found


encodings = sys.argv[1:]
if not encodings:
    sys.exit("usage: build/charset.py ENCODING...")
sys.stdout.write("".join(sorted(set().union(*(characters(encoding) for encoding in encodings)))))
