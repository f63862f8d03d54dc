import { TemplateError, formatProblems, type Problem } from '../errors';

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
