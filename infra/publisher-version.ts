/**
 * The publisher version stamped on every fact sheet (`publisher-version` metadata).
 *
 * Templates, theme and fonts ship inside the function, so a deploy that changes any of them must
 * change the version, or `npm run publish -- --republish` could not tell which fact sheets are stale.
 * The package version alone does not move when a designer edits a template, hence the content hash.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Everything that can change what a fact sheet looks like, relative to the repository root. */
const VERSIONED_SOURCES: readonly string[] = ['lambdas', 'templates', 'package-lock.json'];

const HASH_LENGTH = 12;

/** `<package version>+<12 hex digits>`: semver build metadata, ASCII as S3 metadata requires. */
export function publisherVersion(repositoryRoot: string): string {
  const { version } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { version: string };
  const hash = createHash('sha256');
  for (const file of VERSIONED_SOURCES.flatMap((source) => filesUnder(join(repositoryRoot, source)))) {
    // Path separators normalised so that the same tree hashes the same on every OS.
    hash.update(relative(repositoryRoot, file).split(sep).join('/')).update('\0');
    hash.update(readFileSync(file)).update('\0');
  }
  return `${version}+${hash.digest('hex').slice(0, HASH_LENGTH)}`;
}

/**
 * Every file under `path` (or `path` itself when it is a file), in a stable order.
 * Dot files (.DS_Store, editor swap files) are skipped: they never reach the bundle.
 */
function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
