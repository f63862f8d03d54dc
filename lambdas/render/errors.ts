/**
 * Errors of the render pipeline.
 *
 * A ContentError is the uploader's to fix: it becomes an error report (errors/<path>.json, or a
 * message on the command line) and retrying cannot help. Anything else is ours or transient.
 */

export interface Problem {
  /** Field path in the event document (`quotes[2].text`); absent for whole-file problems. */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  /** What is wrong, in words an editor understands. */
  readonly message: string;
  /** What was expected instead. */
  readonly expected?: string;
}

/** Longest quotation of the document's own text in a message, in characters. */
const EXCERPT_LENGTH = 60;

/**
 * `text` as a message quotes it: whole when short, else its start and its length, so that a
 * 940 KB value does not become a 940 KB message and error report.
 */
export function excerpt(text: string): string {
  const characters = Array.from(text);
  if (characters.length <= EXCERPT_LENGTH) return text;
  return `${characters.slice(0, EXCERPT_LENGTH).join('')}… (${characters.length} characters)`;
}

export interface ErrorReport {
  readonly file: string;
  readonly error: string;
  readonly problems: readonly Problem[];
  readonly time: string;
}

export class ContentError extends Error {
  readonly file: string;
  readonly problems: readonly Problem[];

  constructor(file: string, problems: readonly Problem[], options?: { cause?: unknown }) {
    super(formatProblems(file, problems), options);
    this.name = new.target.name;
    this.file = file;
    this.problems = problems;
  }

  toReport(time: Date = new Date()): ErrorReport {
    return { file: this.file, error: this.name, problems: this.problems, time: time.toISOString() };
  }
}

/** The file's extension is not one of the accepted encodings. */
export class UnsupportedFormatError extends ContentError {}
/** Empty, too large, binary or not UTF-8. */
export class InputError extends ContentError {}
/** YAML, JSON or front matter that does not parse. */
export class DocumentSyntaxError extends ContentError {}
/** Parsed, but not an event document: every problem found, together. */
export class ValidationError extends ContentError {}
/**
 * Valid, but beyond what the renderer can lay out (too deep, too many pages, too long to render):
 * the same bytes would fail again, so retrying cannot help and the uploader gets a report.
 */
export class TooComplexError extends ContentError {}

/**
 * The render stages are deterministic CPU work on the document, so an engine limit they hit
 * (a RangeError: the call stack, a string's or an array's length) is the document's doing and
 * would recur on every retry. Anything else stays ours.
 */
export function asContentLimit(file: string, error: unknown): unknown {
  if (!(error instanceof RangeError)) return error;
  return new TooComplexError(
    file,
    [{ message: `the document is too complex to render (${error.message})`, expected: 'less deeply nested emphasis, fewer or shorter items' }],
    { cause: error },
  );
}

/**
 * A mistake in the deployment's own setup (a template, the theme, fonts, an environment variable
 * or option): the operator's or designer's to fix, never the uploader's. Its message is complete
 * and located, so command-line tools print it alone, without a stack trace.
 */
export class OperatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A template or theme is broken: the designer's to fix, not the uploader's. */
export class TemplateError extends OperatorError {
  readonly template: string;
  readonly line?: number;
  readonly column?: number;

  constructor(template: string, message: string, options?: { cause?: unknown; line?: number; column?: number }) {
    const where = options?.line === undefined ? template : `${template}:${options.line}:${options.column ?? 1}`;
    super(`${where}: ${message}`, { cause: options?.cause });
    this.template = template;
    this.line = options?.line;
    this.column = options?.column;
  }
}

/**
 * All the problems found in a theme or a filled markup, reported together:
 * a headline at the first problem's position, then one problem a line, in file order.
 */
export function templateProblemsError(source: string, headline: string, problems: readonly Problem[]): TemplateError {
  const inOrder = problems.toSorted((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return new TemplateError(source, `${headline} (${count}):\n${formatProblems(source, inOrder)}`, {
    line: inOrder[0]?.line,
    column: inOrder[0]?.column,
  });
}

/** The renderer's own settings are wrong (an environment variable, an option): the operator's to fix. */
export class RendererConfigError extends OperatorError {}

/** `file:12:3 quotes[2].text: required (expected a string)`, one problem a line. */
export function formatProblems(file: string, problems: readonly Problem[]): string {
  return problems
    .map((problem) => {
      const where = problem.line === undefined ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
      const field = problem.path ? ` ${problem.path}:` : '';
      const expected = problem.expected ? ` (expected ${problem.expected})` : '';
      return `${where}:${field} ${problem.message}${expected}`;
    })
    .join('\n');
}
