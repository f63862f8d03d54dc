import { describe, expect, it } from 'vitest';
import { InputError } from '../lambdas/render/errors';
import { DEFAULT_LIMITS, sourceSizeError } from '../lambdas/render/limits';

describe('limits: the size check', () => {
  it('refuses a source one byte over the limit, saying both sizes', () => {
    // Act
    const error = sourceSizeError('content/big.yaml', DEFAULT_LIMITS.maxBytes + 1);

    // Assert
    expect(error).toBeInstanceOf(InputError);
    expect(error?.file).toBe('content/big.yaml');
    expect(error?.problems).toEqual([
      {
        message: `the file is 1.0 MiB (${DEFAULT_LIMITS.maxBytes + 1} bytes), too large to publish`,
        expected: `at most 1 MiB (${DEFAULT_LIMITS.maxBytes} bytes)`,
      },
    ]);
  });

  it('accepts a source of exactly the limit', () => {
    expect(sourceSizeError('content/full.yaml', DEFAULT_LIMITS.maxBytes)).toBeNull();
  });

  it('takes a lower limit from the caller, in bytes and KiB as they read best', () => {
    // Act
    const bytes = sourceSizeError('a.yaml', 11, 10);
    const kib = sourceSizeError('b.yaml', 2_560, 2_048);

    // Assert
    expect(bytes?.problems[0]).toEqual({ message: 'the file is 11 bytes, too large to publish', expected: 'at most 10 bytes' });
    expect(kib?.problems[0]).toEqual({ message: 'the file is 2.5 KiB (2560 bytes), too large to publish', expected: 'at most 2 KiB (2048 bytes)' });
    expect(sourceSizeError('c.yaml', 10, 10)).toBeNull();
  });
});
