import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCommonMark } from '../lambdas/render/commonmark';
import { parseMarkup } from '../lambdas/render/markup';
import { loadTemplates, type TemplateSet } from '../lambdas/render/template';
import { formatDate, labelKeys, resolveLanguage, supportedLanguages } from '../lambdas/render/template/i18n';
import { minimalDocument, partialDate, validated } from './fixtures/templates/documents';
import { blocksOf, headingTexts, textOf } from './fixtures/templates/queries';

const inLanguage = (tag: string) => resolveLanguage(tag).language;

// The renderer loads the CommonMark parser before the stages that need it; these tests call the stages directly.
beforeAll(loadCommonMark);

describe('i18n', () => {
  describe('resolveLanguage', () => {
    it.each([
      ['fr', 'fr', 'Points clés'],
      ['FR-ca', 'fr-CA', 'Points clés'],
      ['uk-UA', 'uk-UA', 'Ключові тези'],
      ['de', 'de', 'Kernpunkte'],
      ['es', 'es', 'Puntos clave'],
      ['en-US', 'en-US', 'Key points'],
      ['ar', 'ar', 'النقاط الرئيسية'],
      ['he-IL', 'he-IL', 'נקודות עיקריות'],
      ['zh-Hans', 'zh-Hans', '要点'],
      ['zh', 'zh', '要点'],
      ['zh-TW', 'zh-TW', '要點'],
      ['zh-Hant-HK', 'zh-Hant-HK', '要點'],
      ['ja', 'ja', '要点'],
      ['ko', 'ko', '핵심 내용'],
      ['hi', 'hi', 'मुख्य बिंदु'],
      ['th', 'th', 'ประเด็นสำคัญ'],
      ['ru', 'ru', 'Главное'],
      ['it', 'it', 'Punti chiave'],
      ['pt-BR', 'pt-BR', 'Pontos principais'],
      ['pl', 'pl', 'Najważniejsze punkty'],
      ['tr', 'tr', 'Öne çıkanlar'],
      ['nl', 'nl', 'Belangrijkste punten'],
    ])('keeps a tag whose base language is supported (%s) without warning', (requested, tag, keyPoints) => {
      const { language, warning } = resolveLanguage(requested);

      expect([language.tag, language.labels.keyPoints, warning]).toEqual([tag, keyPoints, null]);
    });

    const SUPPORTED = 'en, fr, uk, de, es, ar, he, zh-Hans, zh-Hant, ja, ko, hi, th, ru, it, pt, pl, tr, nl';
    it.each([
      ['sw', 'sw'],
      ['SW-ke', 'sw-KE'],
      ['fa-IR', 'fa-IR'],
    ])('falls back from %s to English labels with a warning, keeping the author’s tag for /Lang', (requested, tag) => {
      const resolution = resolveLanguage(requested);

      expect(resolution.language.tag).toBe(tag);
      expect(resolution.language.labels.keyPoints).toBe('Key points');
      expect(resolution.warning).toBe(`lang "${requested}" is not supported; using English labels (supported: ${SUPPORTED})`);
    });

    it('uses English and the tag en for what is not a language tag at all (validation refuses it first)', () => {
      const resolution = resolveLanguage('not a tag');

      expect(resolution.language.tag).toBe('en');
      expect(resolution.warning).toBe(`lang "not a tag" is not supported; using English labels (supported: ${SUPPORTED})`);
    });

    it.each([
      ['ar', '«', '»'],
      ['he', '”', '”'],
      ['zh-Hans', '“', '”'],
      ['zh-Hant', '「', '」'],
      ['ja', '「', '」'],
      ['ru', '«', '»'],
      ['pl', '„', '”'],
      ['nl', '‘', '’'],
    ])('quotes %s text with its own marks', (tag, open, close) => {
      expect(inLanguage(tag).quotes).toEqual({ open, close });
    });

    it('has every label, none empty, in every supported language', () => {
      for (const code of supportedLanguages) {
        const { labels } = inLanguage(code);
        expect(Object.keys(labels).sort()).toEqual([...labelKeys].sort());
        expect(Object.values(labels).filter((label) => label.trim() === '')).toEqual([]);
      }
    });
  });

  describe('formatDate', () => {
    it.each([
      ['en', '2022', '2022'],
      ['en', '2022-02', 'February 2022'],
      ['en', '2022-02-28', '28 February 2022'],
      ['en-US', '2022-02-28', 'February 28, 2022'],
      ['fr', '2022', '2022'],
      ['fr', '2022-02', 'février 2022'],
      ['fr', '2022-02-28', '28 février 2022'],
      ['uk', '2022', '2022'],
      ['uk', '2022-02', 'лютий 2022 р.'],
      ['uk', '2022-02-28', '28 лютого 2022 р.'],
      ['de', '2022-02', 'Februar 2022'],
      ['de', '2022-02-28', '28. Februar 2022'],
      ['es', '2022-02', 'febrero de 2022'],
      ['es', '2022-02-28', '28 de febrero de 2022'],
      ['ar', '2022-02-28', '28 فبراير 2022'],
      ['he', '2022-02-28', '28 בפברואר 2022'],
      ['zh-Hans', '2022-02-28', '2022年2月28日'],
      ['zh-TW', '2022-02', '2022年2月'],
      ['ja', '2022-02-28', '2022年2月28日'],
      ['ko', '2022-02-28', '2022년 2월 28일'],
      ['hi', '2022-02-28', '28 फ़रवरी 2022'],
      ['th', '2022-02-28', '28 กุมภาพันธ์ 2565'],
      ['ru', '2022-02-28', '28 февраля 2022 г.'],
      ['it', '2022-02-28', '28 febbraio 2022'],
      ['pt-BR', '2022-02-28', '28 de fevereiro de 2022'],
      ['pl', '2022-02', 'luty 2022'],
      ['tr', '2022-02-28', '28 Şubat 2022'],
      ['nl', '2022-02-28', '28 februari 2022'],
    ])('%s: %s → %s', (tag, raw, expected) => {
      expect(formatDate(partialDate(raw), inLanguage(tag))).toBe(expected);
    });

    it.each([
      ['en', '2022-02-28T14:30', '28 February 2022 at 14:30'],
      ['fr', '2022-02-28T14:30:00Z', '28 février 2022 à 14:30 UTC'],
      ['fr', '2022-02-28T14:30:00.250+01:00', '28 février 2022 à 14:30 UTC+01:00'],
      ['uk', '2022-02-28T09:05-0330', '28 лютого 2022 р. о 9:05 UTC-03:30'],
      ['de', '2022-02-28T23:59+00:00', '28. Februar 2022 um 23:59 UTC'],
    ])('%s: the date-time %s keeps its clock time and zone as written: %s', (tag, raw, expected) => {
      expect(formatDate(partialDate(raw), inLanguage(tag))).toBe(expected);
    });

    it('prints years before 100 as they are', () => {
      expect(formatDate(partialDate('0079'), inLanguage('en'))).toBe('79');
    });

    it('refuses a time it cannot read', () => {
      expect(() => formatDate(partialDate('2022-02-28T2pm'), inLanguage('en'))).toThrow('cannot read the time "2pm"');
    });

    describe('on a machine far from UTC', () => {
      const zone = process.env.TZ;
      afterEach(() => {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      });

      it.each(['Pacific/Kiritimati', 'Pacific/Pago_Pago'])('gives the same day in %s', (timeZone) => {
        process.env.TZ = timeZone;

        expect(formatDate(partialDate('2022-02-28'), inLanguage('fr'))).toBe('28 février 2022');
        expect(formatDate(partialDate('2022-01'), inLanguage('fr'))).toBe('janvier 2022');
      });
    });
  });

  describe('filled templates', () => {
    let templates: TemplateSet;
    beforeAll(async () => {
      templates = await loadTemplates();
    });

    const fill = (lang: string) => {
      const filled = templates.fill(
        validated(minimalDocument({ lang, key_points: [{ text: 'point', level: 0 }], quotes: [{ text: 'Texte' }], sources: [{ name: 'AFP' }] })),
      );
      return { warnings: filled.warnings, markup: parseMarkup(filled) };
    };

    it.each([
      ['en', '“Texte”', 'Key points', 'Source: AFP', 'Page'],
      ['fr', '«\u202FTexte\u202F»', 'Points clés', 'Source\u00A0: AFP', 'Page'],
      ['uk', '«Texte»', 'Ключові тези', 'Джерело: AFP', 'Сторінка'],
      ['de', '„Texte“', 'Kernpunkte', 'Quelle: AFP', 'Seite'],
      ['es', '«Texte»', 'Puntos clave', 'Fuente: AFP', 'Página'],
    ])('%s: quotation marks, headings, source credit and page label', (lang, quoted, keyPoints, credit, page) => {
      const { markup, warnings } = fill(lang);

      expect(markup.meta.lang).toBe(lang);
      expect(blocksOf(markup.body, 'quote').map((quote) => quote.paragraphs.map(textOf))).toEqual([[quoted]]);
      expect(headingTexts(markup.body, 2)).toContain(keyPoints);
      expect(markup.footer && textOf(markup.footer.left)).toBe(credit);
      expect(markup.footer && textOf(markup.footer.right)).toBe(`${page} [page-number] / [page-count]`);
      expect(warnings).toEqual([]);
    });

    it('fills a Swahili document with English labels, keeps its tag sw-KE for /Lang and says why', () => {
      const { markup, warnings } = fill('sw-KE');

      expect(markup.meta.lang).toBe('sw-KE');
      expect(headingTexts(markup.body, 2)).toContain('Key points');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.path).toBe('lang');
      expect(warnings[0]?.message).toMatch(/^lang "sw-KE" is not supported; using English labels \(supported: en, fr, /);
    });

    it.each([
      ['fa', '«Texte»'],
      ['cs-CZ', '„Texte“'],
      ['sv', '”Texte”'],
      ['sw', '“Texte”'],
    ])('quotes a %s document, which has English labels, with its own quotation marks', (lang, quoted) => {
      const { markup } = fill(lang);

      expect(blocksOf(markup.body, 'quote').map((quote) => quote.paragraphs.map(textOf))).toEqual([[quoted]]);
    });

    it('fills an fr-CA document in French without a warning, keeping the regional tag', () => {
      const { markup, warnings } = fill('fr-CA');

      expect(markup.meta.lang).toBe('fr-CA');
      expect(headingTexts(markup.body, 2)).toContain('Points clés');
      expect(warnings).toEqual([]);
    });
  });
});
