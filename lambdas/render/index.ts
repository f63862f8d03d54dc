/**
 * The engine's one public face: what the publisher, the clients, the CLIs and the benchmark may
 * use from lambdas/render/. Importing it loads the errors, the limits and the file loader only;
 * the stages (pdfkit, fontkit, Handlebars, the parsers) are loaded when a renderer is created, so
 * that a command-line tool that renders nothing does not wait for them.
 */
import type { Renderer, RendererOptions } from './renderer';

export { ContentError, formatProblems, OperatorError, RendererConfigError, TemplateError, type ErrorReport, type Problem } from './errors';
export { DEFAULT_RENDER_DEADLINE_MS } from './deadline';
export { DEFAULT_LIMITS, DOCUMENT_LIMITS, sourceSizeError } from './limits';
// The content format's fields, for build/write-schemas.ts.
export { EVENT_DOCUMENT, type Field, type FieldKind } from './document-definition';
export { loadFile } from './load';
export { ACCEPTED_EXTENSIONS, PICTURE_EXTENSIONS } from './parse/formats';
export type { Renderer, RendererOptions } from './renderer';
export type { ImageAccess, ImageRead, RenderResult } from './types';

/** Loads fonts and templates once; the renderer's render() is then pure CPU work. */
export async function createRenderer(options?: RendererOptions): Promise<Renderer> {
  const { buildRenderer } = await import('./renderer');
  return buildRenderer(options);
}
