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
import { deploymentMetadataProblems } from '../lambdas/publisher/keys';

/** Everything that can change what a fact sheet looks like, relative to the repository root. */
const VERSIONED_SOURCES: readonly string[] = ['lambdas', 'templates', 'package-lock.json'];

const HASH_LENGTH = 12;

/**
 * `<package version>+<12 hex digits>`: semver build metadata, ASCII as S3 metadata requires.
 * `elsewhere`: folders outside the repository that also shape the PDFs (a local run's own
 * templates or fonts), hashed after the versioned sources.
 */
export function publisherVersion(repositoryRoot: string, elsewhere: readonly string[] = []): string {
  const { version } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { version: string };
  const hash = createHash('sha256');
  const sources = [...VERSIONED_SOURCES.map((source) => join(repositoryRoot, source)), ...elsewhere];
  for (const file of sources.flatMap((source) => filesUnder(source))) {
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

/** A deployment whose version or template names S3 could not record on the fact sheets. */
export class DeploymentMetadataError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The fact sheet publisher cannot be deployed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'DeploymentMetadataError';
  }
}

/**
 * Refuses, at synth, a version or a template of `templatesDir` (`<name>.hbs`) whose name the
 * fact sheets could not record within S3's 2 KB of metadata (lambdas/publisher/keys.ts,
 * MAX_DEPLOYMENT_METADATA_BYTES), naming the file: deployed, every one of its documents would be
 * refused by S3 and retried until the failure queue.
 */
export function checkDeploymentMetadata(version: string, templatesDir: string): void {
  const templates = readdirSync(templatesDir)
    .filter((entry) => entry.endsWith('.hbs'))
    .sort()
    .map((entry) => ({ name: entry.slice(0, -'.hbs'.length), file: join(templatesDir, entry) }));
  const problems = deploymentMetadataProblems(version, templates);
  if (problems.length > 0) throw new DeploymentMetadataError(problems);
}
