/**
 * What the deployment records on every fact sheet (its version, the template's name) is checked
 * against S3's 2 KB of metadata where it is known: the construct at synth (the version and the
 * templates folder), the function at start-up (PUBLISHER_VERSION, the templates it loaded). A
 * deployment past it would have every write refused by S3 and retried until the failure queue.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkDeploymentMetadata, DeploymentMetadataError, publisherVersion } from '../infra/publisher-version';
import { ConfigError, loadConfig } from '../lambdas/publisher/config';
import { metadataOf } from '../lambdas/publisher/current';
import { MAX_DEPLOYMENT_METADATA_BYTES, MAX_USER_METADATA_BYTES, METADATA_CONTENT_SHA256, METADATA_TEMPLATE, toMetadataValue, userMetadataBytes } from '../lambdas/publisher/keys';

const TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url));
/** 83 CJK characters: with `.hbs`, 253 of the 255 bytes Linux allows a file name; 747 bytes percent-encoded. */
const LONG_NAME = '事'.repeat(83);
/** A semver pre-release long enough that, beside the longest name, the two no longer fit. */
const LONG_VERSION = `1.4.0-${'x'.repeat(800)}`;

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'metadata-budget-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
  rmSync(directory, { recursive: true, force: true });
});

/** The repository's templates with one more, named `name`. */
function templatesWith(name: string): string {
  const templates = join(directory, 'templates');
  cpSync(TEMPLATES, templates, { recursive: true });
  cpSync(join(TEMPLATES, 'briefing.hbs'), join(templates, `${name}.hbs`));
  return templates;
}

describe('the deployment’s share of S3 metadata', () => {
  it('leaves room for the longest of everything else the publisher records', () => {
    // Prepare: every other entry at its longest, the source key by digest, S3's ids far longer than today's.
    const name = 'n'.repeat(MAX_DEPLOYMENT_METADATA_BYTES - 'publisher-version'.length - 'v'.length - METADATA_TEMPLATE.length);
    const recorded = { source: { kind: 'sha256', sha256: 'f'.repeat(64) }, sourceEtag: `${'e'.repeat(32)}-10000`, sourceVersion: 'v'.repeat(255), sequencer: 's'.repeat(64), publisherVersion: 'v' } as const;

    // Act
    const metadata = metadataOf(recorded, { [METADATA_CONTENT_SHA256]: 'c'.repeat(64), [METADATA_TEMPLATE]: toMetadataValue(name) });

    // Assert
    expect(userMetadataBytes(metadata)).toBe(MAX_USER_METADATA_BYTES);
  });
});

describe('at synth', () => {
  it('refuses a template whose name would not fit beside the version, naming its file', () => {
    // Prepare
    const templates = templatesWith(LONG_NAME);

    // Act
    const check = () => checkDeploymentMetadata(LONG_VERSION, templates);

    // Assert
    expect(check).toThrow(DeploymentMetadataError);
    expect(check).toThrow(`${join(templates, `${LONG_NAME}.hbs`)}: the template's name, percent-encoded as its fact sheets record it, takes 755 bytes`);
    expect(() => checkDeploymentMetadata(LONG_VERSION, TEMPLATES)).not.toThrow();
    expect(() => checkDeploymentMetadata('1.4.0+0123456789ab', templates)).not.toThrow();
  });

  it('refuses a version S3 cannot record: too long, or not ASCII', () => {
    expect(() => checkDeploymentMetadata(`1.4.0-${'x'.repeat(1_500)}`, TEMPLATES)).toThrow(/the publisher version \(PUBLISHER_VERSION\) takes 1523 bytes of S3 metadata, more than the 1498/);
    expect(() => checkDeploymentMetadata('1.4.0-ß', TEMPLATES)).toThrow(/must be printable ASCII/);
  });

  it('passes the repository as it is: its templates beside its version', () => {
    expect(() => checkDeploymentMetadata(publisherVersion(fileURLToPath(new URL('..', import.meta.url))), TEMPLATES)).not.toThrow();
  });
});

describe('at the function’s start-up', () => {
  it('fails the cold start with a configuration error for a PUBLISHER_VERSION S3 cannot record', () => {
    expect(() => loadConfig({ BUCKET_NAME: 'factsheet-publisher', PUBLISHER_VERSION: 'x'.repeat(1_500) })).toThrow(ConfigError);
    expect(() => loadConfig({ BUCKET_NAME: 'factsheet-publisher', PUBLISHER_VERSION: '4.0.0\u00a0beta' })).toThrow(/PUBLISHER_VERSION.*must be printable ASCII/);
  });

  it('fails the cold start with a configuration error naming the template file whose name does not fit', async () => {
    // Prepare: the real handler module, with a templates folder holding the long name.
    const templates = templatesWith(LONG_NAME);
    vi.stubEnv('BUCKET_NAME', 'factsheet-publisher');
    vi.stubEnv('PUBLISHER_VERSION', LONG_VERSION);
    vi.stubEnv('TEMPLATES_DIR', templates);
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');

    // Act
    const started = import('../lambdas/publisher/handler');

    // Assert
    // The handler's modules are loaded afresh: its ConfigError is another instance of the class.
    await expect(started).rejects.toHaveProperty('name', 'ConfigError');
    await expect(started).rejects.toThrow(/^Invalid publisher configuration:/);
    await expect(started).rejects.toHaveProperty('problems', [expect.stringContaining(`${templates}/${LONG_NAME}.hbs: the template's name`)]);
  }, 30_000);
});
