import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('runtime: the tests run on the Node.js the function runs on', () => {
  it('runs this test on Node 22, the Lambda runtime of the construct', async () => {
    // Prepare
    const construct = await readFile('infra/fact-sheet-publisher.ts', 'utf8');

    // Act
    const lambdaMajor = /Runtime\.NODEJS_(\d+)_X/.exec(construct)?.[1];

    // Assert
    expect(lambdaMajor).toBe('22');
    expect(process.version).toMatch(new RegExp(`^v${lambdaMajor}\\.`));
  });

  it('gives the scripts the tests start the same Node (node_modules/.bin first on the path)', async () => {
    // Act
    const { stdout, stderr } = await promisify(execFile)('node_modules/.bin/tsx', ['-e', 'console.log(process.version)'], {
      env: process.env,
    });

    // Assert
    expect(stdout.trim()).toBe(process.version);
    // Answered, not silenced: on Node 22 the SDK has nothing to warn about.
    expect(stderr).not.toMatch(/NodeVersionSupportWarning/);
  });
});
