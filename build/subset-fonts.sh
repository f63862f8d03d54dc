#!/usr/bin/env bash
# Regenerates lambdas/fonts/ from the npm package @expo-google-fonts/noto-sans.
#
#   build/subset-fonts.sh              subset the TTFs, then write their shaping tables
#   build/subset-fonts.sh --tables     only rewrite the shaping tables of the TTFs in place
#
# The full Noto Sans files are ~630 KB each and parsing them dominates cold start
# (docs/performance.md); we keep only the scripts the product supports:
# Latin (incl. Vietnamese), Greek, Cyrillic, punctuation, currency, U+FFFD.
# Layout features are kept so kerning and ligatures still work.
#
# Beside each TTF goes NotoSans-*.shaping.json: what fontkit's OpenType shaping would do to
# "simple" text, read from the font's cmap, hmtx, GDEF, GSUB and GPOS with fontTools by
# build/shaping-tables.py, so that lambdas/render/fonts/ can shape most words without fontkit's
# shaping machinery (its cost dominates the first render: docs/performance.md). Either step fails loudly on a font whose
# layout tables it cannot reproduce; the tables then need a look before the fonts can ship.
# Needs Debian's fonttools (apt-get install -y fonttools), run by /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@expo-google-fonts/noto-sans
out=lambdas/fonts
unicodes="U+0000-024F,U+02B0-02FF,U+0300-036F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2212,U+FB00-FB06,U+FFFD"
variants="400Regular:Regular 700Bold:Bold 400Regular_Italic:Italic 700Bold_Italic:BoldItalic"

if [[ "${1:-}" != "--tables" ]]; then
  mkdir -p "$out"
  for pair in $variants; do
    from=${pair%%:*}; to=${pair##*:}
    pyftsubset "$src/$from/NotoSans_$from.ttf" --unicodes="$unicodes" \
      --layout-features='*' --name-IDs='*' --name-languages='*' --notdef-outline \
      --output-file="$out/NotoSans-$to.ttf"
  done
  cp "$src/LICENSE_FONT" "$out/OFL.txt"
  # Script fonts, loaded only by documents that contain their script (lambdas/render/fonts/scripts.ts):
  # shipped whole, with every layout feature HarfBuzz applies, and each with its own licence file.
  for family in Arabic Hebrew Devanagari Thai; do
    package=node_modules/@expo-google-fonts/noto-sans-${family,,}
    for weight in 400Regular:Regular 700Bold:Bold; do
      cp "$package/${weight%%:*}/NotoSans${family}_${weight%%:*}.ttf" "$out/NotoSans$family-${weight##*:}.ttf"
    done
    cp "$package/LICENSE_FONT" "$out/OFL-NotoSans$family.txt"
  done
  # Chinese, Japanese, Korean: the full fonts are 5.5-10.6 MB a weight. Each keeps the characters
  # of its national standard, read from Python's codecs by build/charset.py, with ASCII, the CJK
  # punctuation and the full-width forms (docs/rendering.md gives the sizes):
  #   SC  GB 2312 (6 763 hanzi)
  #   JP  JIS X 0208 (euc_jp) with the NEC and IBM extensions (cp932: 6 716 kanji), every kana
  #   KR  KS X 1001 and all 11 172 Hangul syllables (cp949), the compatibility jamo
  #   TC  Big5 with the ETEN and Microsoft additions (13 070 hanzi), bopomofo
  # Characters outside a subset are reported as missing, like any other.
  cjk=(
    "SC gb2312"
    "JP euc_jp+cp932 U+3040-30FF,U+31F0-31FF"
    "KR cp949 U+3130-318F"
    "TC big5+cp950 U+3100-312F,U+31A0-31BF"
  )
  charset=$(mktemp)
  for entry in "${cjk[@]}"; do
    read -r family encodings extra <<<"$entry"
    # shellcheck disable=SC2086 # one argument per encoding
    /usr/bin/python3 build/charset.py ${encodings//+/ } > "$charset"
    package=node_modules/@expo-google-fonts/noto-sans-${family,,}
    for weight in 400Regular:Regular 700Bold:Bold; do
      pyftsubset "$package/${weight%%:*}/NotoSans${family}_${weight%%:*}.ttf" --text-file="$charset" \
        --unicodes="U+0020-007E,U+3000-303F,U+FF00-FFEF${extra:+,$extra}" --layout-features='*' --name-IDs='*' \
        --name-languages='*' --notdef-outline --output-file="$out/NotoSans$family-${weight##*:}.ttf"
    done
    cp "$package/LICENSE_FONT" "$out/OFL-NotoSans$family.txt"
  done
  rm -f "$charset"
  # Symbols (arrows, mathematical operators, technical signs, geometric shapes, miscellaneous
  # symbols, dingbats): Noto Sans Math first, Noto Sans Symbols 2 then Noto Sans Symbols for what
  # it lacks, each loaded only by a document that needs it (lambdas/render/fonts/scripts.ts). Each
  # keeps these blocks alone, no digits nor letters, so that the characters around a symbol stay in
  # Noto Sans. Math and Symbols 2 have a regular weight only. Math drops its MATH table (stretched
  # and display-size variants for formula layout, which the engine does not do).
  symbols="U+2190-21FF,U+2200-22FF,U+2300-23FF,U+25A0-25FF,U+2600-26FF,U+2700-27BF,U+27C0-27FF,U+2900-2BFF"
  for entry in Math:math:400Regular Symbols2:symbols-2:400Regular Symbols:symbols:400Regular Symbols:symbols:700Bold; do
    IFS=: read -r family name weight <<<"$entry"
    package=node_modules/@expo-google-fonts/noto-sans-$name
    to=Regular; [[ $weight == 700Bold ]] && to=Bold
    pyftsubset "$package/$weight/NotoSans${family}_$weight.ttf" --unicodes="$symbols" --layout-features='*' \
      --name-IDs='*' --name-languages='*' --notdef-outline --drop-tables+=MATH --output-file="$out/NotoSans$family-$to.ttf"
    cp "$package/LICENSE_FONT" "$out/OFL-NotoSans$family.txt"
  done
fi

for pair in $variants; do
  to=${pair##*:}
  /usr/bin/python3 build/shaping-tables.py "$out/NotoSans-$to.ttf" "$out/NotoSans-$to.shaping.json"
done
ls -l "$out"
