/**
 * The render engine: parse → validate → (images) → template → markup → layout → draw.
 * Fonts and templates are loaded once by createRenderer; render() is then pure CPU work.
 * Loaded by index.ts when a renderer is asked for, so that the engine's errors, limits and loader
 * cost a command-line tool nothing when it renders nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import packageJson from '../../package.json' with { type: 'json' };
import { inlineMarkupNeeds, loadCjkCommonMark, loadCommonMark } from './commonmark';
import { DEFAULT_RENDER_DEADLINE_MS, RenderDeadline } from './deadline';
import { drawDocument } from './draw';
import { asContentLimit, RendererConfigError } from './errors';
import { DEFAULT_FONTS_DIR, loadFonts, withBrandFont } from './fonts';
import { layoutDocument, prepareLayout } from './layout';
import { parseMarkup } from './markup';
import { parseSource } from './parse';
import { loadTemplates } from './template';
import type { ImageAccess, ImageSet, MarkupDocument, QrMatrix, RenderResult, SourceFile } from './types';
import { validateDocument } from './validate';

export interface RendererOptions {
  /**
   * Seconds since the epoch used as every PDF's creation date (reproducible builds convention).
   * @default the SOURCE_DATE_EPOCH environment variable; unset: each source's modification time
   */
  readonly sourceDateEpoch?: number;
  /** Handlebars templates, partials and theme. @default the repository's templates/ */
  readonly templatesDir?: string;
  /** The four Noto Sans TTFs. @default lambdas/fonts/ */
  readonly fontsDir?: string;
  /**
   * Milliseconds a render may take before it ends as a TooComplexError report.
   * @default DEFAULT_RENDER_DEADLINE_MS (docs/input-limits.md, "Render deadline")
   */
  readonly renderDeadlineMs?: number;
}

interface RenderOptions {
  /**
   * Seconds since the epoch used as the PDF's creation date instead of the source's
   * modification time (reproducible builds convention).
   */
  readonly sourceDateEpoch?: number;
  /**
   * Where the document's pictures are read from. Needed only by documents with pictures; without
   * it such a document fails with a RendererConfigError.
   */
  readonly images?: ImageAccess;
}

export interface Renderer {
  readonly templates: readonly string[];
  /**
   * Throws a ContentError when the uploader must fix the document; anything else is ours. The
   * source's size was checked where it was read (sourceSizeError).
   */
  render(this: void, source: SourceFile, options?: RenderOptions): Promise<RenderResult>;
}

const RENDERER_VERSION: string = packageJson.version;
/** Beside the fonts, so that it ships with them (pdfkit's own copy, pdfkit/js/data/). */
const ICC_PROFILE = 'sRGB-IEC61966-2.1.icc';

export async function buildRenderer(options: RendererOptions = {}): Promise<Renderer> {
  const [notoFonts, templates] = await Promise.all([loadFonts(options.fontsDir), loadTemplates(options.templatesDir)]);
  const fonts = templates.theme.font === null ? notoFonts : withBrandFont(notoFonts, templates.theme.font, options.fontsDir ?? DEFAULT_FONTS_DIR);
  const producer = `Factsheet Publisher ${RENDERER_VERSION}`;
  // Read by the first PDF/A document, once: the sRGB profile of its output intent.
  let iccProfile: Promise<Uint8Array> | undefined;
  const archive = async (): Promise<{ iccProfile: Uint8Array } | undefined> => {
    if (templates.theme.archive === 'none') return undefined;
    iccProfile ??= readFile(join(options.fontsDir ?? DEFAULT_FONTS_DIR, ICC_PROFILE)).catch((error: unknown) => {
      iccProfile = undefined;
      throw new RendererConfigError(`the theme asks for ${templates.theme.archive}, but the sRGB profile ${ICC_PROFILE} cannot be read beside the fonts: ${(error as Error).message}`, { cause: error });
    });
    return { iccProfile: await iccProfile };
  };
  const defaultEpoch = options.sourceDateEpoch ?? epochFromEnvironment(process.env.SOURCE_DATE_EPOCH);
  const deadlineMs = options.renderDeadlineMs ?? DEFAULT_RENDER_DEADLINE_MS;
  if (!(deadlineMs > 0)) throw new RendererConfigError(`renderDeadlineMs must be a positive number of milliseconds, not ${deadlineMs}`);
  return {
    templates: templates.names,
    async render(source, renderOptions = {}) {
      try {
        // The parser loads what a Markdown file or a dispatch needs; the CommonMark parser is loaded
        // too for a string with emphasis, and only then (its CJK-friendly twin for such a string in CJK).
        const parsed = await parseSource(source);
        const validated = validateDocument(parsed, { templates: templates.names });
        const images = await loadPictures(validated.file, validated.document, parsed.positions, renderOptions.images);
        const needs = inlineMarkupNeeds(validated.document);
        if (needs.markup) await (needs.cjk ? loadCjkCommonMark() : loadCommonMark());
        const filled = templates.fill(validated);
        const markup = parseMarkup(filled);
        const qrCodes = await loadQrCodes(markup);
        await prepareLayout(filled.markup, markup, fonts, [...(images?.values() ?? []), templates.theme.logo]);
        // From here on the work is CPU alone: a slow picture read or font load is not the document's fault.
        const deadline = new RenderDeadline(source.name, deadlineMs);
        const layout = layoutDocument(markup, templates.theme, fonts, { images, qrCodes }, deadline);
        const epoch = renderOptions.sourceDateEpoch ?? defaultEpoch;
        const creationDate = epoch === undefined ? source.modifiedAt : new Date(epoch * 1000);
        // The template stage names the field; the parser knows where it is.
        const warnings = [...validated.warnings, ...filled.warnings, ...layout.warnings].map((warning) =>
          warning.path !== undefined && warning.line === undefined ? { ...warning, ...parsed.positions.get(warning.path) } : warning,
        );
        const { pdf, pages } = await drawDocument(layout, fonts, { creationDate, producer, warnings: warnings.length, deadline, archive: await archive() });
        return { pdf, pages, template: filled.template, lang: markup.meta.lang, warnings };
      } catch (error) {
        throw asContentLimit(source.name, error);
      }
    },
  };
}

/** The image stage is imported by the first document that has pictures, so the others never load it. */
async function loadPictures(...[file, document, positions, access]: Parameters<typeof import('./images').loadImages>): Promise<ImageSet | undefined> {
  if (document.images.length === 0 && !document.sections.some((section) => section.image)) return undefined;
  const { loadImages } = await import('./images');
  return loadImages(file, document, positions, access);
}

/** The QR code library is imported by the first document whose markup shows one. */
async function loadQrCodes(markup: MarkupDocument): Promise<ReadonlyMap<string, QrMatrix> | undefined> {
  if (!markup.body.some((block) => block.kind === 'qr')) return undefined;
  const { qrMatrices } = await import('./qr');
  return qrMatrices(markup);
}

function epochFromEnvironment(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new RendererConfigError(`SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01, not "${value}"`);
  return Number(value);
}
