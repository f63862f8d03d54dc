#!/usr/bin/env bash
# Regenerates lambdas/fonts/ from the npm package @expo-google-fonts/noto-sans.
# The full Noto Sans files are ~630 KB each and parsing them dominates cold start
# (../shared/notes/render-profile.md); we keep only the scripts the product supports:
# Latin (incl. Vietnamese), Greek, Cyrillic, punctuation, currency, U+FFFD.
# Layout features are kept so kerning and ligatures still work.
# Needs Debian's fonttools (apt-get install -y fonttools).
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@expo-google-fonts/noto-sans
out=lambdas/fonts
unicodes="U+0000-024F,U+02B0-02FF,U+0300-036F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2212,U+FB00-FB06,U+FFFD"
mkdir -p "$out"
for pair in 400Regular:Regular 700Bold:Bold 400Regular_Italic:Italic 700Bold_Italic:BoldItalic; do
  from=${pair%%:*}; to=${pair##*:}
  pyftsubset "$src/$from/NotoSans_$from.ttf" --unicodes="$unicodes" \
    --layout-features='*' --name-IDs='*' --name-languages='*' --notdef-outline \
    --output-file="$out/NotoSans-$to.ttf"
done
cp "$src/LICENSE_FONT" "$out/OFL.txt"
ls -l "$out"
