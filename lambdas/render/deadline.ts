/**
 * The time one render may take. The limits bound what a document may hold, but not every way
 * its parts combine; a render still running when its time is up ends as a report that says how
 * far it got, instead of running into the function's timeout, two retries and the failure queue
 * with no report at all. Layout and draw look at the clock once per paragraph and once per page,
 * never per glyph (docs/input-limits.md, "Render deadline").
 */
import { TooComplexError } from './errors';

/**
 * About four times what the worst document the limits accept (341 pages) takes on Lambda's
 * 1024 MB CPU share, and half the function's 30 s timeout, which leaves the rest for the reads
 * and writes around the render.
 */
export const DEFAULT_RENDER_DEADLINE_MS = 15_000;

export class RenderDeadline {
  private readonly endsAt: number;

  constructor(
    private readonly file: string,
    private readonly ms: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.endsAt = now() + ms;
  }

  /** While laying out: `pages` so far, an estimate until the paginator has placed them. */
  checkLayout(pages: number): void {
    if (this.now() > this.endsAt) throw this.expired(`too long to lay out: about ${pages} page${pages === 1 ? '' : 's'} laid out`);
  }

  checkDraw(drawn: number, pages: number): void {
    if (this.now() > this.endsAt) throw this.expired(`too long to draw: ${drawn} of ${pages} pages drawn`);
  }

  private expired(progress: string): TooComplexError {
    const seconds = this.ms >= 1000 ? `${(this.ms / 1000).toFixed(this.ms % 1000 === 0 ? 0 : 1)} s` : `${this.ms} ms`;
    return new TooComplexError(this.file, [
      {
        message: `${progress} when the ${seconds} a render may take ran out`,
        expected: `a document that renders within ${seconds}: split it into several, or shorten its longest sections and lists`,
      },
    ]);
  }
}
