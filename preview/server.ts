/**
 * The live preview (`npm run preview`): a local web page that lists the documents of one folder
 * (or the one file named), shows the selected fact sheet through pdf.js, its warnings and errors in
 * words, and reloads it when the document, a template, a partial, the theme or a font is saved.
 *
 * Only 127.0.0.1 by default, and only files inside the folder it serves: a request for any other
 * path (`..`, an absolute path, a symbolic link that leads out) is refused with 403, because a
 * page on another site can make the browser ask this server for anything.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCEPTED_EXTENSIONS, ContentError, createRenderer, formatProblems, loadFile, OperatorError, type Renderer } from '../lambdas/render';
import { folderImages } from '../client/image-files';
import { findTargets } from '../client/render-files';
import { watchPaths, type Watcher } from '../client/watch';
import { PREVIEW_PAGE } from './page';

export interface PreviewOptions {
  /** A folder of documents, or one document (its folder is then served, and only it listed). */
  readonly path: string;
  readonly templatesDir: string;
  readonly fontsDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface PreviewServer {
  readonly url: string;
  /** The folder whose files may be asked for. */
  readonly root: string;
  close(): Promise<void>;
}

/** What the page shows for one document at one moment. */
type Preview =
  | { readonly kind: 'rendered'; readonly pdf: Buffer; readonly template: string; readonly pages: number; readonly warnings: readonly string[]; readonly ms: number }
  | { readonly kind: 'rejected'; readonly message: string }
  /** The designer's mistake (template, theme, fonts): the same for every document. */
  | { readonly kind: 'broken'; readonly message: string };

class OutsideError extends Error {
  constructor(asked: string) {
    super(`${asked} is not a document inside the folder this preview serves`);
    this.name = 'OutsideError';
  }
}

const PDFJS_FILES: Readonly<Record<string, string>> = {
  'pdf.mjs': 'build/pdf.mjs',
  'pdf.worker.mjs': 'build/pdf.worker.mjs',
  'pdf_viewer.css': 'web/pdf_viewer.css',
};

const MAX_PRERENDERED = 4;

export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const given = await realpath(resolve(options.path));
  const single = (await stat(given)).isFile() ? given : null;
  const root = single === null ? given : dirname(single);
  const pdfjs = fileURLToPath(new URL('.', import.meta.resolve('pdfjs-dist/package.json')));

  let version = 1;
  let renderer: Renderer | OperatorError = await loadRenderer();
  const cache = new Map<string, Promise<Preview>>();
  /** The documents the page asked for, rendered again as soon as something is saved. */
  const viewed = new Map<string, string>();
  const listeners = new Set<ServerResponse>();

  async function loadRenderer(): Promise<Renderer | OperatorError> {
    try {
      return await createRenderer({ templatesDir: options.templatesDir, fontsDir: options.fontsDir });
    } catch (error) {
      // A template half-way through an edit is normal: the page says what is wrong until it is fixed.
      if (error instanceof OperatorError) return error;
      throw error;
    }
  }

  async function documents(): Promise<string[]> {
    const paths = single === null ? (await findTargets([root])).map((target) => target.path) : [single];
    return paths.map((path) => relative(root, path).split(sep).join('/'));
  }

  /** The real path of a document inside root, or OutsideError. */
  async function resolveDocument(asked: string | null): Promise<string> {
    if (asked === null || asked === '' || isAbsolute(asked) || asked.includes('\0')) throw new OutsideError(String(asked));
    const path = resolve(root, asked);
    const real = await realpath(path).catch(() => path);
    const inside = relative(root, real);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw new OutsideError(asked);
    if (!ACCEPTED_EXTENSIONS.includes(extname(real).toLowerCase())) throw new OutsideError(asked);
    if (single !== null && real !== single) throw new OutsideError(asked);
    return real;
  }

  function preview(document: string, path: string): Promise<Preview> {
    const key = `${version}\0${document}`;
    let cached = cache.get(key);
    if (cached === undefined) {
      cached = renderPreview(document, path);
      cache.set(key, cached);
    }
    return cached;
  }

  async function renderPreview(document: string, path: string): Promise<Preview> {
    if (renderer instanceof OperatorError) return { kind: 'broken', message: renderer.message };
    const started = performance.now();
    try {
      const source = { ...(await loadFile(path)), name: document };
      // The served folder stands for the bucket's content/, pictures included.
      const result = await renderer.render(source, { images: folderImages(root, path) });
      return { kind: 'rendered', pdf: result.pdf, template: result.template, pages: result.pages, warnings: result.warnings.map((warning) => formatProblems(document, [warning])), ms: performance.now() - started };
    } catch (error) {
      if (error instanceof ContentError) return { kind: 'rejected', message: error.message };
      if (error instanceof OperatorError) return { kind: 'broken', message: error.message };
      throw error;
    }
  }

  async function changed(paths: readonly string[]): Promise<void> {
    const design = [options.templatesDir, options.fontsDir].map((dir) => resolve(dir));
    if (paths.some((path) => design.some((dir) => resolve(path).startsWith(dir)))) renderer = await loadRenderer();
    version += 1;
    cache.clear();
    for (const listener of listeners) listener.write(`data: ${JSON.stringify({ version })}\n\n`);
    // Started before the page asks: the render overlaps the page's round trip.
    for (const [document, path] of viewed) void preview(document, path).catch(() => viewed.delete(document));
  }

  async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://preview');
    if (request.method !== 'GET') return send(response, 405, 'text/plain', 'only GET');
    switch (url.pathname) {
      case '/':
        return send(response, 200, 'text/html; charset=utf-8', PREVIEW_PAGE);
      case '/favicon.ico':
        return send(response, 204, 'image/x-icon', '');
      case '/api/documents':
        return json(response, 200, { folder: root, documents: await documents(), version });
      case '/api/events':
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        response.write(`data: ${JSON.stringify({ version })}\n\n`);
        listeners.add(response);
        request.on('close', () => listeners.delete(response));
        return;
      case '/api/status':
      case '/api/pdf': {
        const document = url.searchParams.get('doc');
        const path = await resolveDocument(document);
        // The last few asked for (a page each, or one page switching): the latest last.
        viewed.delete(document ?? '');
        viewed.set(document ?? '', path);
        for (const oldest of viewed.keys()) if (viewed.size > MAX_PRERENDERED) viewed.delete(oldest);
        const shown = await preview(document ?? '', path);
        if (url.pathname === '/api/pdf') {
          if (shown.kind !== 'rendered') return send(response, 422, 'text/plain; charset=utf-8', shown.message);
          return send(response, 200, 'application/pdf', shown.pdf);
        }
        return json(response, 200, { document, version, ...statusOf(shown) });
      }
      default: {
        const file = /^\/pdfjs\/(.+)$/.exec(url.pathname)?.[1];
        const path = file === undefined ? undefined : PDFJS_FILES[file];
        if (path === undefined) return send(response, 404, 'text/plain', 'not found');
        return send(response, 200, file?.endsWith('.css') ? 'text/css' : 'text/javascript', await readFile(join(pdfjs, path)));
      }
    }
  }

  const server = createServer((request, response) => {
    respond(request, response).catch((error: unknown) => {
      if (error instanceof OutsideError) return json(response, 403, { error: error.message });
      json(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  const watched: Watcher = watchPaths(
    [
      // One file: its folder, not recursively (it may be the repository, node_modules and all).
      { path: root, recursive: single === null },
      { path: options.templatesDir, recursive: true },
      { path: options.fontsDir, recursive: true },
    ],
    (paths) => void changed(paths),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolvePromise);
  });
  const { port } = server.address() as AddressInfo;
  const selected = single === null ? '' : `?doc=${encodeURIComponent(basename(single))}`;
  return {
    url: `http://${host}:${port}/${selected}`,
    root,
    async close() {
      watched.close();
      for (const listener of listeners) listener.end();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

/** What the page needs to say about a preview: everything but the PDF's bytes. */
function statusOf(shown: Preview): Record<string, unknown> {
  switch (shown.kind) {
    case 'rendered':
      return { kind: shown.kind, template: shown.template, pages: shown.pages, warnings: shown.warnings, ms: shown.ms };
    case 'rejected':
    case 'broken':
      return shown;
    default: {
      const unhandled: never = shown;
      return unhandled;
    }
  }
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}
