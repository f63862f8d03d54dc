import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { TooComplexError } from '../lambdas/render/errors';

function yamlSource(name: string, text: string) {
  return { name, bytes: Buffer.from(text), modifiedAt: new Date(0) };
}

describe('render engine: bounded work', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  it('reports content that exhausts the call stack as the document’s fault, with the cause kept', async () => {
    // Prepare: 4 000 stars each side nest emphasis thousands of levels deep.
    const stars = '*'.repeat(4000);
    const source = yamlSource('stars.yaml', `title: T\ndate: 2022-02-28\nsummary: "${stars}a${stars}"\n`);

    // Act
    const error: unknown = await renderer.render(source).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(TooComplexError);
    const report = (error as TooComplexError).toReport();
    expect(report.file).toBe('stars.yaml');
    expect(report.problems[0]?.message).toMatch(/too complex to render \(Maximum call stack size exceeded\)/);
    expect((error as TooComplexError).cause).toBeInstanceOf(RangeError);
  });
});
