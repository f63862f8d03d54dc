/**
 * Inline emphasis in content strings (spec: "Inline emphasis in any string"):
 * `**bold**`, `*italic*`, `[text](https://…)` become `<b>`, `<i>`, `<a href>` of the markup dialect;
 * everything else is escaped, so `<b>`, `{{x}}` and `&amp;` print as typed.
 *
 * The rules are a small subset of CommonMark's: a run of `*` opens emphasis when a non-space
 * follows it and closes when a non-space precedes it; `***` is bold and italic together; an
 * opener without its closer (or a closer without its opener) prints literally.
 */
import Handlebars from 'handlebars/runtime';

type InlineNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'emphasis'; readonly element: 'b' | 'i'; readonly children: readonly InlineNode[] }
  | { readonly kind: 'link'; readonly href: string; readonly children: readonly InlineNode[] };

interface OpenEmphasis {
  /** 1 for `*`, 2 for `**`. */
  readonly size: 1 | 2;
  readonly children: InlineNode[];
}

/**
 * `[text](url)` with an http, https or mailto URL; one level of parentheses is allowed inside
 * the URL (`https://en.wikipedia.org/wiki/Kyiv_(disambiguation)`).
 */
const LINK = /\[([^[\]]+)\]\(((?:https?:\/\/|mailto:)(?:[^\s()<>]|\([^\s()<>]*\))+)\)/iy;
const STARS = /\*+/y;
const PLAIN = /[^*[]+|\[/y;

const isSpace = (char: string | undefined): boolean => char === undefined || /\s/u.test(char);

function parseInline(text: string): InlineNode[] {
  const root: OpenEmphasis = { size: 1, children: [] };
  const stack: OpenEmphasis[] = [root];
  const top = (): OpenEmphasis => stack[stack.length - 1] ?? root;

  /** Openers above `index` never found their closer: they print literally inside the one below. */
  const dissolveAbove = (index: number): void => {
    while (stack.length - 1 > index) {
      const unclosed = stack.pop() as OpenEmphasis;
      top().children.push({ kind: 'text', text: '*'.repeat(unclosed.size) }, ...unclosed.children);
    }
  };

  const close = (available: number): number => {
    let remaining = available;
    while (remaining > 0) {
      // A run of three closes whatever is innermost first (`***a***`, `*a **b***`).
      const index = stack.findLastIndex((open, i) => i > 0 && (remaining === 3 || open.size === remaining));
      if (index < 1) break;
      dissolveAbove(index);
      const closed = stack.pop() as OpenEmphasis;
      top().children.push({ kind: 'emphasis', element: closed.size === 2 ? 'b' : 'i', children: closed.children });
      remaining -= closed.size;
    }
    return remaining;
  };

  const open = (size: number): void => {
    if (size === 3) stack.push({ size: 2, children: [] }, { size: 1, children: [] });
    else stack.push({ size: size === 2 ? 2 : 1, children: [] });
  };

  let position = 0;
  while (position < text.length) {
    LINK.lastIndex = STARS.lastIndex = PLAIN.lastIndex = position;
    const link = text[position] === '[' ? LINK.exec(text) : null;
    if (link !== null) {
      const [whole, label = '', href = ''] = link;
      top().children.push({ kind: 'link', href, children: parseInline(label) });
      position += whole.length;
      continue;
    }
    const stars = STARS.exec(text);
    if (stars !== null) {
      const run = stars[0];
      const canClose = !isSpace(text[position - 1]);
      const canOpen = !isSpace(text[position + run.length]);
      position += run.length;
      if (run.length > 3) {
        top().children.push({ kind: 'text', text: run });
        continue;
      }
      const remaining = canClose ? close(run.length) : run.length;
      if (remaining > 0 && canOpen) open(remaining);
      else if (remaining > 0) top().children.push({ kind: 'text', text: '*'.repeat(remaining) });
      continue;
    }
    const plain = PLAIN.exec(text) as RegExpExecArray;
    top().children.push({ kind: 'text', text: plain[0] });
    position += plain[0].length;
  }
  dissolveAbove(0);
  return root.children;
}

function render(nodes: readonly InlineNode[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'text':
          return Handlebars.escapeExpression(node.text);
        case 'emphasis':
          return `<${node.element}>${render(node.children)}</${node.element}>`;
        case 'link':
          return `<a href="${Handlebars.escapeExpression(node.href)}">${render(node.children)}</a>`;
        default: {
          const unexpected: never = node;
          throw new Error(`unknown inline node ${JSON.stringify(unexpected)}`);
        }
      }
    })
    .join('');
}

/** Markup for one content string: emphasis and links as elements, everything else escaped. */
export function inlineMarkup(text: string): string {
  return render(parseInline(text));
}
