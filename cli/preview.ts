/**
 * npm run preview [-- <file|folder>] [--port N] [--templates DIR]
 * A live preview on 127.0.0.1: the documents of the folder, the selected fact sheet, its warnings
 * and errors, re-rendered when the document, a template, a partial, the theme or a font is saved.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand, runCommand, UsageError, wholeNumber } from '../client/command';
import { startPreview } from '../preview/server';

const USAGE = `Usage: npm run preview [-- <file|folder>] [options]
Serves a page on 127.0.0.1 that shows each document's fact sheet and follows every save.
Options:
  --port N          the page's port (default 4570; 0 picks a free one)
  --templates DIR   templates, partials and theme (default templates/, or TEMPLATES_DIR)
  --debug           stack traces for unexpected errors (also DEBUG=1)
Default folder: content/.`;

const { values, positionals } = parseCommand({
  invocation: 'npm run preview --',
  usage: USAGE,
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '4570' },
    templates: { type: 'string', default: process.env.TEMPLATES_DIR },
  },
});

await runCommand(async () => {
  const port = wholeNumber('--port', values.port, 0, 65_535);
  if (positionals.length > 1) throw new UsageError('give one file or folder to preview');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const path = positionals[0] ?? 'content';
  const preview = await startPreview({
    path,
    port,
    templatesDir: values.templates ?? join(root, 'templates'),
    fontsDir: process.env.FONTS_DIR ?? join(root, 'lambdas/fonts'),
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such file or folder`);
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port} is taken (0 picks a free one)`);
    throw error;
  });
  console.log(`Preview of ${preview.root} at ${preview.url}\nFollows every save of the documents, templates, theme and fonts; Ctrl-C stops.`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await preview.close();
  return 0;
});
