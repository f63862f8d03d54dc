/**
 * What the deployment records on every fact sheet (its version, the template's name) is checked
 * against S3's 2 KB of metadata where it is known: the construct at synth (the version and the
 * templates folder), the function at start-up (PUBLISHER_VERSION, the templates it loaded). A
 * deployment past it would have every write refused by S3 and retried until the failure queue.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkDeploymentMetadata, DeploymentMetadataError, publisherVersion } from '../infra/publisher-version';
import { ConfigError, loadConfig } from '../lambdas/publisher/config';
import { metadataOf } from '../lambdas/publisher/current';
import { MAX_DEPLOYMENT_METADATA_BYTES, MAX_USER_METADATA_BYTES, METADATA_CONTENT_SHA256, METADATA_PUBLISHER_VERSION, METADATA_TEMPLATE, toMetadataValue, userMetadataBytes } from '../lambdas/publisher/keys';

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
  vi.doUnmock('../infra/publisher-version');
  vi.unstubAllEnvs();
  vi.resetModules();
  rmSync(directory, { recursive: true, force: true });
});

/** A templates folder holding only empty templates with these names. */
function templatesOnly(...names: string[]): string {
  const templates = join(directory, 'only');
  mkdirSync(templates);
  for (const name of names) writeFileSync(join(templates, `${name}.hbs`), '');
  return templates;
}

/** The repository's templates with one more, named `name`. */
function templatesWith(name: string): string {
  const templates = join(directory, 'templates');
  cpSync(TEMPLATES, templates, { recursive: true });
  cpSync(join(TEMPLATES, 'briefing.hbs'), join(templates, `${name}.hbs`));
  return templates;
}

describe('the deployment’s share of S3 metadata', () => {
  it('is the most the synth check lets through, and leaves room for the longest of everything else the publisher records', () => {
    // Prepare: one template, `n`, and a version that brings the two to the share exactly.
    const templates = templatesOnly('n');
    const version = 'v'.repeat(MAX_DEPLOYMENT_METADATA_BYTES - METADATA_PUBLISHER_VERSION.length - METADATA_TEMPLATE.length - 'n'.length);
    // Every other entry at its longest, the source key by digest, S3's ids far longer than today's.
    const recorded = { source: { kind: 'sha256', sha256: 'f'.repeat(64) }, sourceEtag: `${'e'.repeat(32)}-10000`, sourceVersion: 'v'.repeat(255), sequencer: 's'.repeat(64), publisherVersion: version } as const;

    // Act
    const metadata = metadataOf(recorded, { [METADATA_CONTENT_SHA256]: 'c'.repeat(64), [METADATA_TEMPLATE]: toMetadataValue('n') });

    // Assert
    expect(() => checkDeploymentMetadata(version, templates)).not.toThrow();
    expect(() => checkDeploymentMetadata(`${version}v`, templates)).toThrow(
      `${join(templates, 'n.hbs')}: the template's name, percent-encoded as its fact sheets record it, takes 9 bytes of S3 metadata, ${MAX_DEPLOYMENT_METADATA_BYTES + 1} with publisher-version`,
    );
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
    // Prepare: no template, so that the version alone meets the share.
    const none = templatesOnly();
    const longest = `1.4.0-${'x'.repeat(MAX_DEPLOYMENT_METADATA_BYTES - METADATA_PUBLISHER_VERSION.length - '1.4.0-'.length)}`;

    // Assert
    expect(() => checkDeploymentMetadata(longest, none)).not.toThrow();
    expect(() => checkDeploymentMetadata(`${longest}x`, none)).toThrow(DeploymentMetadataError);
    expect(() => checkDeploymentMetadata(`${longest}x`, none)).toThrow(/the publisher version \(PUBLISHER_VERSION\) takes 1499 bytes of S3 metadata, more than the 1498/);
    expect(() => checkDeploymentMetadata('1.4.0-ß', none)).toThrow(/must be printable ASCII/);
  });

  it('passes the repository as it is: its templates beside its version', () => {
    expect(() => checkDeploymentMetadata(publisherVersion(fileURLToPath(new URL('..', import.meta.url))), TEMPLATES)).not.toThrow();
  });
});

describe('the construct at synth', () => {
  it('stops the synth with DeploymentMetadataError naming the shipped template that does not fit beside its version', async () => {
    // Prepare: the construct reads its version from the repository, whose package version cannot be
    // made long here; only that is replaced, so the check and templates/ are the construct's own.
    // The version fits alone, but not beside `briefing`, the repository's longest template name.
    const version = 'v'.repeat(MAX_DEPLOYMENT_METADATA_BYTES - METADATA_PUBLISHER_VERSION.length - METADATA_TEMPLATE.length - 'briefing'.length + 1);
    vi.doMock('../infra/publisher-version', async (importOriginal) => ({ ...(await importOriginal<object>()), publisherVersion: () => version }));
    const { App } = await import('aws-cdk-lib');
    const { PublisherStack } = await import('../infra/publisher-stack');

    // Act
    const synth = () => new PublisherStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');

    // Assert
    // Loaded afresh with the mock: its DeploymentMetadataError is another instance of the class.
    expect(synth).toThrow(expect.objectContaining({ name: 'DeploymentMetadataError' }));
    expect(synth).toThrow(`${join(TEMPLATES, 'briefing.hbs')}: the template's name, percent-encoded as its fact sheets record it, takes 16 bytes of S3 metadata, ${MAX_DEPLOYMENT_METADATA_BYTES + 1} with publisher-version`);
  }, 60_000);
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
