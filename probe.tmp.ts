import * as fontkit from 'fontkit';
for (const file of ['NotoSans-Regular', 'NotoSans-Bold', 'NotoSans-Italic', 'NotoSans-BoldItalic']) {
const font: any = fontkit.openSync(`lambdas/fonts/${file}.ttf`);
const upm = font.unitsPerEm;
const ink = (s: string) => { const run = font.layout(s); let y = 0, t = -1e9, b = 1e9; run.glyphs.forEach((g: any, i: number) => { const p = run.positions[i]; const bb = g.bbox; if (bb.minY !== Infinity && bb.maxY > bb.minY) { t = Math.max(t, y + p.yOffset + bb.maxY); b = Math.min(b, y + p.yOffset + bb.minY); } y += p.yAdvance; }); return { t: t / upm, b: b / upm }; };
const marks: string[] = [];
for (const cp of font.characterSet as number[]) { const c = String.fromCodePoint(cp); if (/\p{M}/u.test(c)) marks.push(c); }
const hex = (s: string) => Array.from(s, (c) => c.codePointAt(0)!.toString(16)).join(' ');
// each mark's own contribution stacked on itself 
const on = (base: string, m: string, n: number) => ink(base + m.repeat(n));
const ups = marks.map((m) => ({ m, t: on('H', m, 4).t })).sort((a, b) => b.t - a.t).slice(0, 6);
const downs = marks.map((m) => ({ m, b: on('H', m, 4).b })).sort((a, b) => a.b - b.b).slice(0, 6);
console.log(file, 'marks', marks.length, 'asc', font.ascent / upm, 'desc', font.descent / upm);
console.log(' up4 on H', ups.map((x) => hex(x.m) + ':' + x.t.toFixed(3)).join(' '));
console.log(' down4 on H', downs.map((x) => hex(x.m) + ':' + x.b.toFixed(3)).join(' '));
// tallest / deepest base chars
const chars = (font.characterSet as number[]).map((cp) => String.fromCodePoint(cp)).filter((c) => !/\p{M}/u.test(c));
const tb = chars.map((c) => ({ c, ...ink(c) }));
const tallest = [...tb].sort((a, b) => b.t - a.t).slice(0, 6); const deepest = [...tb].sort((a, b) => a.b - b.b).slice(0, 6);
console.log(' tallest bases', tallest.map((x) => hex(x.c) + ':' + x.t.toFixed(3)).join(' '));
console.log(' deepest bases', deepest.map((x) => hex(x.c) + ':' + x.b.toFixed(3)).join(' '));
for (const n of [1, 2, 3, 4]) {
  let best = { t: -9, s: '' }, worst = { b: 9, s: '' };
  for (const base of tallest.map((x) => x.c).concat(['H', 'Ǻ', 'l'])) for (const u of ups) { const s = base + u.m.repeat(n); const k = ink(s); if (k.t > best.t) best = { t: k.t, s }; }
  for (const base of deepest.map((x) => x.c).concat(['g', 'H', 'j'])) for (const u of downs) { const s = base + u.m.repeat(n); const k = ink(s); if (k.b < worst.b) worst = { b: k.b, s }; }
  console.log(' ', n, 'top', best.t.toFixed(3), hex(best.s), 'bottom', worst.b.toFixed(3), hex(worst.s));
}
}
