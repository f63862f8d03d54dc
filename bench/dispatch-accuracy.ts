/**
 * How well the wire-dispatch rules read the dispatches of tests/fixtures/dispatches/: each `.txt`
 * beside the event document an editor would write for it (`.expected.json`). Quotes count as found
 * only with the expected speaker; parties by name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSource } from '../lambdas/render/parse';

export interface Score {
  readonly truePositives: number;
  readonly found: number;
  readonly expected: number;
  readonly precision: number;
  readonly recall: number;
}

export interface DispatchCase {
  readonly name: string;
  readonly derived: Record<string, unknown>;
  readonly expected: Record<string, unknown>;
}

export interface Accuracy {
  readonly cases: readonly DispatchCase[];
  readonly quotesWithSpeakers: Score;
  readonly parties: Score;
}

/** Every fixture's derived document, read with a fixed modification time so that results do not depend on a checkout. */
export async function readDispatchCases(directory: string): Promise<DispatchCase[]> {
  const names = readdirSync(directory)
    .filter((name) => name.endsWith('.txt'))
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const path = join(directory, name);
      const parsed = await parseSource({ name: path, bytes: readFileSync(path), modifiedAt: new Date('2000-01-01T00:00:00Z') });
      const expected = JSON.parse(readFileSync(path.replace(/\.txt$/, '.expected.json'), 'utf8')) as Record<string, unknown>;
      return { name, derived: parsed.data as Record<string, unknown>, expected };
    }),
  );
}

export function measureAccuracy(cases: readonly DispatchCase[]): Accuracy {
  const quoteKey = (quote: { text: string; speaker?: string }): string => `${quote.text}\u0000${quote.speaker ?? ''}`;
  const partyKey = (party: { name: string }): string => party.name;
  return {
    cases,
    quotesWithSpeakers: score(cases, 'quotes', quoteKey),
    parties: score(cases, 'parties', partyKey),
  };
}

function score<T>(cases: readonly DispatchCase[], field: string, key: (item: T) => string): Score {
  let truePositives = 0;
  let found = 0;
  let expected = 0;
  for (const { derived, expected: wanted } of cases) {
    const got = ((derived[field] as T[] | undefined) ?? []).map(key);
    const gold = new Set(((wanted[field] as T[] | undefined) ?? []).map(key));
    found += got.length;
    expected += gold.size;
    truePositives += got.filter((item) => gold.has(item)).length;
  }
  // Nothing to find and nothing found is a perfect reading, not a division by zero.
  return { truePositives, found, expected, precision: found === 0 ? 1 : truePositives / found, recall: expected === 0 ? 1 : truePositives / expected };
}
