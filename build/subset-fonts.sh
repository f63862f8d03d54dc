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
  for family in Arabic Hebrew; do
    package=node_modules/@expo-google-fonts/noto-sans-${family,,}
    for weight in 400Regular:Regular 700Bold:Bold; do
      cp "$package/${weight%%:*}/NotoSans${family}_${weight%%:*}.ttf" "$out/NotoSans$family-${weight##*:}.ttf"
    done
    cp "$package/LICENSE_FONT" "$out/OFL-NotoSans$family.txt"
  done
  # Simplified Chinese: the full font is 10.6 MB a weight; GB 2312 (the 6 763 hanzi and symbols of
  # the national standard), ASCII and the CJK punctuation and full-width forms keep 2.5 MB.
  # Characters outside it are reported as missing, like any other.
  gb2312=$(mktemp)
  /usr/bin/python3 -c 'import sys; sys.stdout.write("".join(sorted({c for a in range(0xA1, 0xFF) for b in range(0xA1, 0xFF) for c in [bytes([a, b]).decode("gb2312", "ignore")] if c})))' > "$gb2312"
  package=node_modules/@expo-google-fonts/noto-sans-sc
  for weight in 400Regular:Regular 700Bold:Bold; do
    pyftsubset "$package/${weight%%:*}/NotoSansSC_${weight%%:*}.ttf" --text-file="$gb2312" \
      --unicodes="U+0020-007E,U+3000-303F,U+FF00-FFEF" --layout-features='*' --name-IDs='*' \
      --name-languages='*' --notdef-outline --output-file="$out/NotoSansSC-${weight##*:}.ttf"
  done
  cp "$package/LICENSE_FONT" "$out/OFL-NotoSansSC.txt"
  rm -f "$gb2312"
fi

for pair in $variants; do
  to=${pair##*:}
  /usr/bin/python3 build/shaping-tables.py "$out/NotoSans-$to.ttf" "$out/NotoSans-$to.shaping.json"
done
ls -l "$out"
