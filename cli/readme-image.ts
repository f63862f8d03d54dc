/**
 * npm run readme-image — regenerates docs/images/sample-page-1.png, the picture at the top of
 * the README: page 1 of the French sample with a map and a chart, at 80 dpi. Needs pdftoppm
 * (apt-get install -y poppler-utils).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRenderer, loadFile } from '../lambdas/render';
import { parseCommand, runCommand } from '../client/command';
import { folderImages } from '../client/image-files';

const SAMPLE = 'content/macron-poutine-carte-2022-02-28.yaml';

parseCommand({
  invocation: 'npm run readme-image --',
  usage: `Usage: npm run readme-image
Regenerates docs/images/sample-page-1.png (page 1 of the French sample with a map and a chart, at 80 dpi; needs pdftoppm).
Options:
  --debug           stack traces for unexpected errors (also DEBUG=1)`,
  options: {},
});

await runCommand(async () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const work = mkdtempSync(join(tmpdir(), 'readme-image-'));
  try {
    const renderer = await createRenderer();
    const sample = join(root, SAMPLE);
    const result = await renderer.render(await loadFile(sample), { images: folderImages(join(root, 'content'), sample) });
    const pdf = join(work, 'sample.pdf');
    writeFileSync(pdf, result.pdf);
    execFileSync('pdftoppm', ['-r', '80', '-f', '1', '-l', '1', '-singlefile', '-png', pdf, join(work, 'page')]);
    mkdirSync(join(root, 'docs/images'), { recursive: true });
    copyFileSync(join(work, 'page.png'), join(root, 'docs/images/sample-page-1.png'));
    console.log('docs/images/sample-page-1.png');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
