import { describe, expect, it } from 'vitest';
import { TextLocator } from '../lambdas/render/locator';

describe('locator', () => {
  const text = 'title: x\n🙂 <b>bold</b>\nlast';

  it('gives 1-based line and column, a character outside the BMP counting as one column', () => {
    // Act
    const locator = new TextLocator(text);

    // Assert
    expect(locator.at(0)).toEqual({ line: 1, column: 1 });
    expect(locator.at(text.indexOf('<b>'))).toEqual({ line: 2, column: 3 });
    expect(locator.at(text.indexOf('last') + 4)).toEqual({ line: 3, column: 5 });
  });

  it('gives the line around an offset without its line break, and the offset in it', () => {
    // Act
    const middle = new TextLocator(text).lineAround(text.indexOf('bold'));
    const last = new TextLocator(text).lineAround(text.length);

    // Assert
    expect(middle).toEqual({ text: '🙂 <b>bold</b>', offsetInLine: '🙂 <b>'.length });
    expect(last).toEqual({ text: 'last', offsetInLine: 4 });
  });
});
