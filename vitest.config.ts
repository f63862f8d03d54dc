import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // PDF renders and CDK synths are CPU-bound: two forks match the 2-core CI machines.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    // The SDK's notice that its 2027 releases need Node 22 says nothing about these tests.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 60_000,
  },
});
