/**
 * vitest's asymmetric matchers typed `unknown` rather than `any`, so that the linter's checks on
 * `any` (no-unsafe-assignment) stay on for the expected objects they sit in.
 */
import { expect } from 'vitest';

export const textContaining = (text: string): unknown => expect.stringContaining(text);
export const textMatching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
export const listContaining = (items: unknown[]): unknown => expect.arrayContaining(items);
