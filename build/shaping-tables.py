#!/usr/bin/env python3
"""
Writes the shaping table of one TTF:

  build/shaping-tables.py FONT.ttf OUT.shaping.json

The table must describe exactly what fontkit 2.0.4's layout() does with its default features to a
word made only of "simple" code points:

  glyphs = cmap(code points); apply the `liga` ligatures; xAdvance = advance + pair kerning.

A code point is simple when nothing else in the default features (ccmp, locl, rlig, calt, clig,
liga, rclt, mark, mkmk, curs, kern, and the fraction features around U+2044) can touch it in
text without combining marks. Everything else is listed as complex, and
lambdas/render/fonts/shaping-tables.ts hands words containing it to fontkit.
Needs fontTools (Debian: apt-get install -y fonttools).
"""
import json
import sys
from fontTools import unicodedata
from fontTools.ttLib import TTFont

ttf_path, json_path = sys.argv[1], sys.argv[2]
font = TTFont(ttf_path)
order = font.getGlyphOrder()
gid = {name: index for index, name in enumerate(order)}
cmap = font.getBestCmap()
glyph_classes = font["GDEF"].table.GlyphClassDef.classDefs
MARK = 3
marks = {name for name, glyph_class in glyph_classes.items() if glyph_class == MARK}

# fontkit's features for left-to-right horizontal text (DefaultShaper; frac/numr/dnom only
# around U+2044, which is therefore complex).
DEFAULT_FEATURES = {"rvrn", "ltra", "ltrm", "ccmp", "locl", "rlig", "mark", "mkmk",
                    "calt", "clig", "liga", "rclt", "curs", "kern"}
# fontkit's isDefaultIgnorable(): such glyphs are replaced by a zero-width space.
IGNORABLE = [(0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x17B4, 0x17B5),
             (0x180B, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F),
             (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
             (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF)]


def fail(message):
    sys.exit(f"{ttf_path}: {message}")


def subtables(lookup, extension_type):
    for subtable in lookup.SubTable:
        yield subtable.ExtSubTable if lookup.LookupType == extension_type else subtable


def lookup_type(lookup, extension_type):
    if lookup.LookupType != extension_type:
        return lookup.LookupType
    return lookup.SubTable[0].ExtSubTable.LookupType


def script_tags_in_use():
    """The script records fontkit may select for text made of this font's code points."""
    records = {record.ScriptTag for record in font["GSUB"].table.ScriptList.ScriptRecord}
    records |= {record.ScriptTag for record in font["GPOS"].table.ScriptList.ScriptRecord}
    tags = {"DFLT"}
    for code_point in cmap:
        script = unicodedata.script(chr(code_point))
        if script in ("Zyyy", "Zinh", "Zzzz"):
            continue
        tag = script.lower()
        tags.add(tag if tag in records else "DFLT")
    return sorted(tags)


def default_lookups(table_tag, script_tag):
    records = {r.ScriptTag: r for r in reversed(font[table_tag].table.ScriptList.ScriptRecord)}
    # fontkit's selectScript(): the script itself, else the first of DFLT, dflt, latn.
    record = next((records[tag] for tag in (script_tag, "DFLT", "dflt", "latn") if tag in records), None)
    table = font[table_tag].table
    if record is None or record.Script.DefaultLangSys is None:
        return {}
    by_feature = {}
    for index in record.Script.DefaultLangSys.FeatureIndex:
        feature = table.FeatureList.FeatureRecord[index]
        if feature.FeatureTag in DEFAULT_FEATURES:
            by_feature.setdefault(feature.FeatureTag, []).extend(feature.Feature.LookupListIndex)
    return by_feature


def context_coverages(subtable):
    """Format 3 context rule: the first input coverage, and every other coverage it needs."""
    inputs = list(getattr(subtable, "InputCoverage", None) or subtable.Coverage)
    others = inputs[1:] + list(getattr(subtable, "BacktrackCoverage", None) or [])
    others += list(getattr(subtable, "LookAheadCoverage", None) or [])
    return inputs[0], others


def needs_mark(coverages):
    """A context rule that can only match with a combining mark somewhere is inert in simple text."""
    return any(coverage.glyphs and all(name in marks for name in coverage.glyphs) for coverage in coverages)


def gsub_complex_glyphs(lookup_index, liga_lookups, ligatures):
    """Glyphs that the GSUB lookup may substitute in text without marks (a ligature lookup of
    `liga` is reproduced instead, into `ligatures`)."""
    lookup = font["GSUB"].table.LookupList.Lookup[lookup_index]
    kind = lookup_type(lookup, 7)
    found = set()
    for subtable in subtables(lookup, 7):
        if kind in (1, 2, 3):
            found |= set(subtable.mapping if kind != 3 else subtable.alternates)
        elif kind == 4:
            for first, entries in subtable.ligatures.items():
                for entry in entries:
                    if any(component in marks for component in entry.Component):
                        continue
                    if lookup_index in liga_lookups:
                        ligatures.append([gid[first], gid[entry.LigGlyph], *[gid[c] for c in entry.Component]])
                    else:
                        found.add(first)
        elif kind in (5, 6) and subtable.Format == 3:
            first, others = context_coverages(subtable)
            if not needs_mark([first, *others]):
                found |= set(first.glyphs)
        elif kind in (5, 6, 8):
            found |= set(subtable.Coverage.glyphs)
        else:
            fail(f"GSUB lookup {lookup_index} has type {kind}, which this script does not know")
    return found


def gpos_complex_glyphs(lookup_indexes):
    """Glyphs that default GPOS lookups other than pair kerning may move in text without marks."""
    found = set()
    for lookup_index in lookup_indexes:
        lookup = font["GPOS"].table.LookupList.Lookup[lookup_index]
        kind = lookup_type(lookup, 9)
        for subtable in subtables(lookup, 9):
            if kind == 2:
                continue
            if kind in (4, 5, 6):
                # Mark attachment moves the mark, which is the current glyph.
                coverage = subtable.MarkCoverage if kind != 6 else subtable.Mark1Coverage
                found |= {name for name in coverage.glyphs if name not in marks}
            elif kind in (7, 8) and subtable.Format == 3:
                first, others = context_coverages(subtable)
                if not needs_mark([first, *others]):
                    found |= set(first.glyphs)
            elif kind in (1, 3, 7, 8):
                found |= set(subtable.Coverage.glyphs)
            else:
                fail(f"GPOS lookup {lookup_index} has type {kind}, which this script does not know")
    return found


def kerning(lookup_indexes, reachable):
    """Pair kerning of the default GPOS lookups in fontkit's order: one list of subtables a lookup."""
    lookups = []
    for lookup_index in lookup_indexes:
        lookup = font["GPOS"].table.LookupList.Lookup[lookup_index]
        if lookup_type(lookup, 9) == 2:
            lookups.append([pair_subtable(subtable, lookup_index, reachable) for subtable in subtables(lookup, 9)])
    return lookups


def x_advance(value_format, value):
    if value_format & ~0x0004:
        fail(f"pair kerning with value format {value_format}: only XAdvance (4) is reproduced")
    return getattr(value, "XAdvance", 0) if value is not None else 0


def pair_subtable(subtable, lookup_index, reachable):
    if getattr(subtable, "ValueFormat2", 0):
        fail(f"GPOS lookup {lookup_index} adjusts the second glyph of a pair, which is not reproduced")
    covered = [name for name in subtable.Coverage.glyphs if gid[name] in reachable]
    if subtable.Format == 1:
        pairs = {}
        for first, pair_set in zip(subtable.Coverage.glyphs, subtable.PairSet):
            if gid[first] not in reachable:
                continue
            flat = []
            for record in pair_set.PairValueRecord:
                if gid[record.SecondGlyph] in reachable:
                    # Zero values are kept: a matching pair ends the lookup, whatever its value.
                    flat += [gid[record.SecondGlyph], x_advance(subtable.ValueFormat1, record.Value1)]
            pairs[gid[first]] = flat
        return {"pairs": pairs}
    classes1 = subtable.ClassDef1.classDefs
    classes2 = subtable.ClassDef2.classDefs
    values = {}
    for class1, record in enumerate(subtable.Class1Record):
        flat = []
        for class2, pair in enumerate(record.Class2Record):
            value = x_advance(subtable.ValueFormat1, pair.Value1)
            if value:
                flat += [class2, value]
        if flat:
            values[class1] = flat
    return {
        "coverage": sorted(gid[name] for name in covered),
        "class1": {gid[name]: c for name, c in classes1.items() if c and gid[name] in reachable},
        "class2": {gid[name]: c for name, c in classes2.items() if c and gid[name] in reachable},
        "values": values,
    }


scripts = script_tags_in_use()
ligatures = []
complex_glyphs = set(marks)
gpos_lists = {}
for script in scripts:
    gsub = default_lookups("GSUB", script)
    liga = set(gsub.get("liga", []))
    script_ligatures = []
    for lookup_index in sorted({i for indexes in gsub.values() for i in indexes}):
        complex_glyphs |= gsub_complex_glyphs(lookup_index, liga, script_ligatures)
    if ligatures and script_ligatures != ligatures:
        fail(f"script {script} has other ligatures than the others, which the table cannot tell apart")
    ligatures = script_ligatures
    gpos_lists[script] = sorted({i for indexes in default_lookups("GPOS", script).values() for i in indexes})
gpos_lookups = next(iter(gpos_lists.values()))
if any(lookups != gpos_lookups for lookups in gpos_lists.values()):
    fail(f"the scripts use different GPOS lookups ({gpos_lists}), which the table cannot tell apart")
complex_glyphs |= gpos_complex_glyphs(gpos_lookups)
for entry in ligatures:
    if order[entry[1]] in complex_glyphs:
        fail(f"ligature {order[entry[1]]} is changed again by another lookup, which is not reproduced")


def is_simple(code_point):
    ignorable = any(low <= code_point <= high for low, high in IGNORABLE)
    return not ignorable and code_point != 0x2044 and cmap[code_point] not in complex_glyphs


simple = sorted(cp for cp in cmap if is_simple(cp))
reachable = {gid[cmap[cp]] for cp in simple} | {entry[1] for entry in ligatures}

hmtx = font["hmtx"].metrics
table = {
    "font": ttf_path.rsplit("/", 1)[-1],
    # head.checkSumAdjustment changes with any byte of the font: fonts/load.ts refuses stale tables.
    "checkSumAdjustment": font["head"].checkSumAdjustment,
    "unitsPerEm": font["head"].unitsPerEm,
    "scripts": scripts,
    # Every mapped code point and its glyph, flat: [code point, glyph, ...].
    "cmap": [value for cp in sorted(cmap) for value in (cp, gid[cmap[cp]])],
    "complex": sorted(set(cmap) - set(simple)),
    "advances": {g: hmtx[order[g]][0] for g in sorted(reachable)},
    # [first glyph, ligature glyph, other components...], in the order fontkit tries them.
    "ligatures": ligatures,
    "kerning": kerning(gpos_lookups, reachable),
}
with open(json_path, "w") as out:
    json.dump(table, out, separators=(",", ":"))
    out.write("\n")
print(f"{json_path}: {len(cmap) - len(table['complex'])} simple code points, {len(table['complex'])} complex, "
      f"{len(ligatures)} ligatures, {sum(len(lookup) for lookup in table['kerning'])} kerning subtables")
