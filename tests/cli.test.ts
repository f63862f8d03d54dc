/**
 * Every command-line tool, run as a user runs it: its usage, its one-line answer to a wrong
 * flag or value, and a designer's broken template told in words, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRESS_SHAPE, longDocument } from '../bench/long-document';
import { readPdf } from './helpers/pdf';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STACK_LINE = /^ {4}at /m;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly output: string;
}

function run(command: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', DEBUG: '', ...options.env },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, output: stdout + stderr });
      },
    );
  });
}

const tsx = (script: string, ...args: string[]) => run(process.execPath, ['--import', 'tsx', script, ...args]);

/** Each script, how its user types it, and a value it must refuse with the line it must print. */
const SCRIPTS = [
  { script: 'cli/start.ts', invocation: 'npm start --', bad: ['--content', ''], says: '--content needs a folder' },
  { script: 'cli/dev.ts', invocation: 'npm run dev --', bad: ['--port', '70000'], says: '--port "70000" is not a whole number from 0 to 65535' },
  { script: 'cli/render.ts', invocation: 'npm run render --', bad: ['content', '--out='], says: '--out needs a folder' },
  { script: 'cli/publish.ts', invocation: 'npm run publish --', bad: ['--list', '--expires', 'soon'], says: '--expires "soon" is not a whole number from 1 to 604800' },
  { script: 'cli/bench.ts', invocation: 'npm run bench --', bad: ['--cold-runs', '0'], says: '--cold-runs "0" is not a whole number of at least 1' },
  { script: 'cli/check-bundle.ts', invocation: 'npm run check-bundle --', bad: ['--sample', 'missing.yaml'], says: '--sample missing.yaml: no such file' },
  { script: 'cli/readme-image.ts', invocation: 'npm run readme-image --', bad: ['--debug=yes'], says: "Option '--debug' does not take an argument" },
];

describe.concurrent('every command-line tool', () => {
  for (const { script, invocation, bad, says } of SCRIPTS) {
    it(`${script}: --help prints the usage and exits 0`, async () => {
      const result = await tsx(script, '--help');

      expect(result.code, result.output).toBe(0);
      expect(result.stdout).toMatch(/^Usage:/);
      expect(result.stdout).toContain('--debug');
      expect(result.output).not.toMatch(STACK_LINE);
    });

    it(`${script}: an unknown flag is one line and exit 2`, async () => {
      const result = await tsx(script, '--frobnicate');

      expect(result.code).toBe(2);
      expect(result.output).toBe(`unknown option --frobnicate (${invocation} --help for the usage)\n`);
    });

    it(`${script}: a bad value is one line and exit 2`, async () => {
      const result = await tsx(script, ...bad);

      expect(result.code).toBe(2);
      expect(result.output).toBe(`${says} (${invocation} --help for the usage)\n`);
    });
  }
});

describe('a broken template', () => {
  let work: string;
  let templates: string;
  const located = /briefing\.hbs:6:1: Handlebars syntax error:/;

  beforeAll(() => {
    // Prepare: a designer's copy of templates/ with a brace missing on line 6.
    work = mkdtempSync(join(tmpdir(), 'cli-broken-template-'));
    templates = join(work, 'templates');
    cpSync(join(ROOT, 'templates'), templates, { recursive: true });
    const briefing = join(templates, 'briefing.hbs');
    writeFileSync(briefing, readFileSync(briefing, 'utf8').replace('{{> headline}}', '{{> headline}'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('npm run render: the located message alone, exit 1', async () => {
    const result = await tsx('cli/render.ts', 'content/macron-putin-call-en.json', '--out', join(work, 'render-out'), '--templates', templates);

    expect(result.code).toBe(1);
    expect(result.output).toMatch(located);
    expect(result.output.split('\n')[0]).toBe(`${join(templates, 'briefing.hbs')}:6:1: Handlebars syntax error:`);
    expect(result.output).not.toMatch(STACK_LINE);
  }, 120_000);

  it('npm run render with DEBUG=1: the stack trace too', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'cli/render.ts', 'content', '--out', join(work, 'debug-out'), '--templates', templates], {
      env: { DEBUG: '1' },
    });

    expect(result.code).toBe(1);
    expect(result.output).toMatch(located);
    expect(result.output).toMatch(STACK_LINE);
  }, 120_000);

  it('npm start: the located message alone, exit 1', async () => {
    const result = await tsx('cli/start.ts', '--content', 'content', '--out', join(work, 'start-out'), '--data', join(work, 'start-data'), '--templates', templates);

    expect(result.code).toBe(1);
    expect(result.output).toMatch(located);
    expect(result.output).not.toMatch(STACK_LINE);
  }, 120_000);

  it('npx cdk synth: the located message alone, before any bundling', async () => {
    // Prepare: the repository as a deployer has it, but with the broken templates/.
    const tree = join(work, 'tree');
    cpSync(join(ROOT, 'infra'), join(tree, 'infra'), { recursive: true });
    cpSync(templates, join(tree, 'templates'), { recursive: true });
    for (const entry of ['node_modules', 'lambdas', 'build', 'package.json', 'package-lock.json', 'tsconfig.json', 'cdk.json']) {
      symlinkSync(join(ROOT, entry), join(tree, entry));
    }

    // Act
    const result = await run(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--output', join(work, 'cdk.out')], { cwd: tree });

    // Assert
    expect(result.code).not.toBe(0);
    expect(result.output.split('\n')[0]).toBe(`${join(tree, 'templates/briefing.hbs')}:6:1: Handlebars syntax error:`);
    expect(result.output).not.toContain('Bundling asset');
    expect(result.output).not.toMatch(STACK_LINE);
  }, 120_000);
});

describe('machine-readable output', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'cli-json-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('npm run render -- --json: one JSON object, with each file and its warnings, into a new nested --out', async () => {
    const out = join(work, 'render', 'new', 'dir');

    const result = await tsx('cli/render.ts', 'content/macron-putin-call-en.json', 'tests/fixtures/bad/alias-bomb.yaml', '--out', out, '--json');

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { files: Record<string, unknown>[]; rendered: number; failed: number };
    expect(report).toMatchObject({ out, rendered: 1, failed: 1 });
    expect(report.files[0]).toMatchObject({ path: 'content/macron-putin-call-en.json', ok: true, template: 'briefing', pages: 2, warnings: [] });
    expect(report.files[1]).toMatchObject({ path: 'tests/fixtures/bad/alias-bomb.yaml', ok: false });
    expect(String(report.files[1]?.message)).toMatch(/alias-bomb\.yaml:3:8: aliases/);
    expect((await readPdf(readFileSync(join(out, 'macron-putin-call-en.pdf')))).pages).toBe(2);
  }, 120_000);

  it('npm start -- --json: one JSON object with every file', async () => {
    const content = join(work, 'start-content');
    cpSync(join(ROOT, 'content/macron-putin-call-en.json'), join(content, 'call.json'));
    cpSync(join(ROOT, 'tests/fixtures/events/uploads/sommet-missing-title.yaml'), join(content, 'sans-titre.yaml'));

    const result = await tsx('cli/start.ts', '--content', content, '--out', join(work, 'start-out'), '--data', join(work, 'start-data'), '--json');

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { files: Record<string, unknown>[]; published: number; total: number };
    expect(report).toMatchObject({ published: 1, total: 2 });
    expect(report.files[0]).toMatchObject({ source: 'content/call.json', status: 'published', template: 'briefing', pages: 2 });
    expect(report.files[1]).toMatchObject({ source: 'content/sans-titre.yaml', status: 'rejected', errorReport: 'errors/sans-titre.json' });
    expect(String(report.files[1]?.problems)).toMatch(/content\/sans-titre\.yaml(:\d+:\d+)?: title:/);
  }, 120_000);
});

describe('a line per file as it finishes; a counter only on a terminal', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'cli-progress-'));
    // "a-long" sorts first but takes far longer than "b-short": a table printed at the end would list it first.
    writeFileSync(join(work, 'a-long.yaml'), longDocument(STRESS_SHAPE).yaml);
    cpSync(join(ROOT, 'tests/fixtures/events/uploads/sommet.yaml'), join(work, 'b-short.yaml'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('npm start prints the short document before the long one, sorted after it, and no counter into a pipe', async () => {
    const result = await tsx('cli/start.ts', '--content', work, '--out', join(work, 'out'), '--data', join(work, 'data'));

    expect(result.code, result.output).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('✓ '));
    expect(lines.map((line) => line.split('  ')[0])).toEqual(['✓ content/b-short.yaml', '✓ content/a-long.yaml']);
    expect(result.stdout).not.toMatch(/\r|\[\d+\/2\]/);
  }, 150_000);

  it('npm run render on a terminal: a [done/total] counter, rewritten in place, under the finished lines', async () => {
    // A real pseudo-terminal (util-linux script): standard output is a TTY as in a user's shell.
    const command = [process.execPath, '--import', 'tsx', 'cli/render.ts', join(work, 'b-short.yaml'), join(ROOT, 'content/macron-putin-call-en.json'), '--out', join(work, 'tty-out')];
    const result = await run('script', ['-qec', command.map((part) => `'${part}'`).join(' '), '/dev/null']);

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('[0/2]');
    expect(result.stdout).toContain('\r\x1b[K✓ ');
    expect(result.stdout).toContain('[1/2]');
    expect(result.stdout).toMatch(/✓ .*b-short\.yaml[^\n]*\r?\n/);
  }, 120_000);
});
