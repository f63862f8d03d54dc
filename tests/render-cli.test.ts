import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function render(...args: string[]): { status: number | null; output: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli/render.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: child.status, output: child.stdout + child.stderr };
}

describe('npm run render', () => {
  it('renders the good files, explains the bad ones and two sources for one PDF, and exits 1', () => {
    // Prepare
    const work = mkdtempSync(join(tmpdir(), 'render-cli-'));
    const input = join(work, 'in');
    mkdirSync(input);
    copyFileSync(join(root, 'content/macron-putin-digest-en.yaml'), join(input, 'digest.yaml'));
    copyFileSync(join(root, 'content/macron-poutine-call.md'), join(input, 'call.md'));
    copyFileSync(join(root, 'content/macron-putin-call-uk.yaml'), join(input, 'call.yaml'));
    writeFileSync(join(input, 'broken.yaml'), 'title: [unclosed\ndate: 2022-02-28\n');

    // Act
    const { status, output } = render(input, '--out', join(work, 'out'));

    // Assert
    expect(status).toBe(1);
    expect(output).toMatch(/✓ .*digest\.yaml {2}brief {2}1 p {2}\d+ B {2}\d+ ms/);
    expect(existsSync(join(work, 'out/digest.pdf'))).toBe(true);
    expect(output).toMatch(/broken\.yaml:\d+:\d+/);
    expect(output).toContain('would all be');
    expect(existsSync(join(work, 'out/call.pdf'))).toBe(false);
    expect(existsSync(join(work, 'out/broken.pdf'))).toBe(false);
    expect(output).toContain('1 fact sheet(s)');
  });

  it('says so when a folder holds no event document', () => {
    const empty = mkdtempSync(join(tmpdir(), 'render-cli-empty-'));

    const { status, output } = render(empty);

    expect(status).toBe(1);
    expect(output).toContain('no event documents');
  });

  it('refuses a FIFO named x.yaml instead of hanging, and still renders the other files', () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'render-cli-fifo-'));
    spawnSync('mkfifo', [join(folder, 'x.yaml')]);
    copyFileSync(join(root, 'content/macron-putin-call-en.json'), join(folder, 'good.json'));

    // Act
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli/render.ts'), folder, '--out', join(folder, 'out')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });

    // Assert
    expect(child.signal).toBeNull();
    expect(child.status).toBe(1);
    expect(child.stdout).toContain('this is not a regular file');
    expect(existsSync(join(folder, 'out/good.pdf'))).toBe(true);
  });

  it.each([
    ['a folder the kernel will not create', () => '/proc/x', '/proc/x: cannot create the folder /proc/x (ENOENT)'],
    ['a file', (file: string) => file, 'is a file, not a folder (expected a folder for the PDFs)'],
    ['a folder inside a file', (file: string) => join(file, 'sub'), 'is a file, not a folder (expected a folder for the PDFs)'],
  ])('says in one line when --out is %s, and renders nothing', (_, out, message) => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'render-cli-out-'));
    const file = join(folder, 'taken');
    writeFileSync(file, 'not a folder');

    // Act
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli/render.ts'), join(root, 'content/macron-putin-call-en.json'), '--out', out(file)], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });

    // Assert
    expect(child.signal).toBeNull();
    expect(child.status).toBe(1);
    expect(child.stderr.trim().split('\n')).toEqual([expect.stringContaining(message) as string]);
    expect(child.stdout).toBe('');
  });
});
