import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { asContentLimit, TooComplexError } from '../lambdas/render/errors';
import { readPdf } from './helpers/pdf';
import { DEFAULT_LIMITS } from '../lambdas/render/limits';

/** Each source a line of 100 characters, as agencies' credits run. */
function withSources(count: number): string {
  const sources = Array.from({ length: count }, (_, n) => `  - name: "${`Source ${n + 1}, dispatch of the day from the agency's wire service desk and its regional offices`.padEnd(100, '.')}"`);
  return `title: Sources\ndate: 2022-02-28\nsummary: Many sources.\nsources:\n${sources.join('\n')}\n`;
}

/** CPU milliseconds per page of one render (this process only, so other load matters less). */
async function msPerPage(renderer: Renderer, text: string): Promise<number> {
  const started = process.cpuUsage();
  const result = await renderer.render(yamlSource('timed.yaml', text));
  return process.cpuUsage(started).user / 1000 / result.pages;
}

function yamlSource(name: string, text: string) {
  return { name, bytes: Buffer.from(text), modifiedAt: new Date(0) };
}

describe('render engine: bounded work', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  it('renders emphasis nested 4 000 levels deep, which overflowed the inline reader’s call stack', async () => {
    // Prepare: 4 000 stars each side nest emphasis thousands of levels deep.
    const stars = '*'.repeat(4000);
    const source = yamlSource('stars.yaml', `title: T\ndate: 2022-02-28\nsummary: "${stars}Profond${stars}"\n`);

    // Act
    const result = await renderer.render(source);

    // Assert
    expect((await readPdf(result.pdf)).text).toContain('Profond');
  });

  it('reports an engine limit (a RangeError) as the document’s fault, with the cause kept; other errors stay ours', () => {
    // Prepare
    const exhausted = new RangeError('Maximum call stack size exceeded');
    const bug = new TypeError('x is undefined');

    // Act
    const reported = asContentLimit('stars.yaml', exhausted);

    // Assert
    expect(reported).toBeInstanceOf(TooComplexError);
    const report = (reported as TooComplexError).toReport();
    expect(report.file).toBe('stars.yaml');
    expect(report.problems[0]?.message).toBe('the document is too complex to render (Maximum call stack size exceeded)');
    expect((reported as TooComplexError).cause).toBe(exhausted);
    expect(asContentLimit('stars.yaml', bug)).toBe(bug);
  });

  it('fits a footer credit of 100 sources in time proportional to its pages', async () => {
    // Prepare: one warm-up render so that both timings see a loaded engine.
    await renderer.render(yamlSource('warm.yaml', withSources(10)));

    // Act
    const few = await msPerPage(renderer, withSources(10));
    const many = await msPerPage(renderer, withSources(100));

    // Assert: fitting the credit word by word cost 100 times more per page for 10 times the sources.
    expect(many).toBeLessThan(few * 4);
  });
});

/** The issue's case: one anchored section of about 100 KB, referenced 99 times (under the alias limit). */
function amplified(references: number): string {
  const paragraph = 'Le président a rappelé les conditions posées par l’Union européenne pour toute négociation. '.repeat(10);
  const body = Array.from({ length: 105 }, () => `      - "${paragraph}"`).join('\n');
  const aliases = Array.from({ length: references }, () => '  - *section').join('\n');
  return `title: Amplified\ndate: 2022-02-28\nsections:\n  - &section\n    heading: Une section\n    body:\n${body}\n${aliases}\n`;
}

describe('parse: alias amplification', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  it('refuses a 100 KB document whose 99 aliases expand it to 2 000 pages, at the alias that crosses the limit', async () => {
    // Prepare
    const text = amplified(99);
    const firstAlias = text.split('\n').findIndex((line) => line.includes('*section')) + 1;

    // Act
    const started = performance.now();
    const error: unknown = await renderer.render(yamlSource('amplified.yaml', text)).catch((caught: unknown) => caught);
    const ms = performance.now() - started;

    // Assert
    expect(Buffer.byteLength(text)).toBeGreaterThan(100_000);
    expect(Buffer.byteLength(text)).toBeLessThan(DEFAULT_LIMITS.maxBytes / 8);
    expect(error).toBeInstanceOf(TooComplexError);
    const [problem] = (error as TooComplexError).problems;
    expect(problem?.message).toBe(
      `with its aliases expanded, the document holds more than ${DEFAULT_LIMITS.maxExpandedCharacters} characters of text (the limit is crossed expanding *section, alias 10)`,
    );
    expect(problem?.line).toBe(firstAlias + 9);
    expect(problem?.column).toBe(5);
    // Refused while reading, before the multiplied document is built or laid out (9 s for 2 005 pages).
    expect(ms).toBeLessThan(1_000);
  });

  it('renders the same section referenced once', async () => {
    // Act
    const result = await renderer.render(yamlSource('once.yaml', amplified(1)));

    // Assert
    expect(result.pages).toBeGreaterThan(20);
  });
});
