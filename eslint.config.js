// The linter CI runs (`npm run lint`, zero warnings): the recommended JavaScript and
// typescript-eslint sets with type information, plus the rules that catch what review kept
// finding by hand: promises nobody awaits, promises handed where a plain value is expected, and
// a `switch` over a union that forgets a member.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Outside the engine, lambdas/render/index.ts is its one public face, apart from the stages named. */
const engineFaceOnly = (...stages) => [
  'error',
  {
    patterns: [
      {
        group: ['**/render/*', '!**/render/index', ...stages.map((stage) => `!**/render/${stage}`)],
        message: 'import the engine from lambdas/render (its index.ts), not from one of its stages',
      },
    ],
  },
];

export default defineConfig(
  { ignores: ['node_modules/', 'cdk.out/', 'out/', 'dist/', 'coverage/', '.local-s3/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'all', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['lambdas/publisher/**', 'client/**', 'cli/**', 'bench/**', 'emulator/**', 'infra/**', 'build/**'],
    rules: { 'no-restricted-imports': engineFaceOnly() },
  },
  // Compiling the templates, and writing the JSON schemas from the definitions and limits, is a
  // build step's business, not a renderer's.
  { files: ['build/**'], rules: { 'no-restricted-imports': engineFaceOnly('template', 'document-definition', 'limits') } },
  // The benchmark compiles them as bundling does; cdk synth compiles them first, so that a broken
  // template stops it with its located message.
  { files: ['bench/bundled.ts', 'infra/app.ts'], rules: { 'no-restricted-imports': engineFaceOnly('template') } },
  // The Chromium benchmark heads its HTML with the briefing template's labels, read where they live.
  { files: ['bench/chromium.ts'], rules: { 'no-restricted-imports': engineFaceOnly('template') } },
  // The dispatch-accuracy benchmark measures the parse stage alone, as a test would.
  { files: ['bench/dispatch-accuracy.ts'], rules: { 'no-restricted-imports': engineFaceOnly('parse') } },
  {
    // The bundle shims and this file are plain JavaScript outside tsconfig.json: no type information.
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);
