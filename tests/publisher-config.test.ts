import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { ConfigError, DEFAULT_MAX_SOURCE_BYTES, loadConfig } from '../lambdas/publisher/config';
import { DEFAULT_RENDER_DEADLINE_MS } from '../lambdas/render';

describe('config', () => {
  it('fills every default from a bucket name alone', () => {
    // Act
    const config = loadConfig({ BUCKET_NAME: 'factsheet-publisher' });

    // Assert
    expect(config).toEqual({
      bucket: 'factsheet-publisher',
      layout: { contentPrefix: 'content/', factsheetsPrefix: 'factsheets/', errorsPrefix: 'errors/' },
      maxSourceBytes: DEFAULT_MAX_SOURCE_BYTES,
      publisherVersion: packageJson.version,
      templatesDir: undefined,
      fontsDir: undefined,
      strictWarnings: false,
      renderDeadlineMs: DEFAULT_RENDER_DEADLINE_MS,
    });
  });

  it('reads every variable the stack sets', () => {
    // Prepare
    const environment = {
      BUCKET_NAME: 'my-bucket',
      CONTENT_PREFIX: 'in/',
      FACTSHEETS_PREFIX: 'pdf/',
      ERRORS_PREFIX: 'problems/',
      MAX_SOURCE_BYTES: '2048',
      PUBLISHER_VERSION: '0.1.0+abc123',
      TEMPLATES_DIR: '/var/task/templates',
      FONTS_DIR: '/var/task/fonts',
      RENDER_DEADLINE_MS: '12000',
    };

    // Act
    const config = loadConfig(environment);

    // Assert
    expect(config).toEqual({
      bucket: 'my-bucket',
      layout: { contentPrefix: 'in/', factsheetsPrefix: 'pdf/', errorsPrefix: 'problems/' },
      maxSourceBytes: 2048,
      publisherVersion: '0.1.0+abc123',
      templatesDir: '/var/task/templates',
      fontsDir: '/var/task/fonts',
      strictWarnings: false,
      renderDeadlineMs: 12_000,
    });
  });

  it('names every problem at once', () => {
    // Prepare
    const environment = { CONTENT_PREFIX: 'content', MAX_SOURCE_BYTES: '1MB' };

    // Act
    const error = captureError(() => loadConfig(environment));

    // Assert
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
    expect((error as ConfigError).message).toMatch(/BUCKET_NAME is not set/);
    expect((error as ConfigError).message).toMatch(/CONTENT_PREFIX "content" must be a folder/);
    expect((error as ConfigError).message).toMatch(/MAX_SOURCE_BYTES "1MB" is not a positive whole number/);
  });

  it.each([
    [{ FACTSHEETS_PREFIX: 'content/pdf/' }, /CONTENT_PREFIX "content\/" and FACTSHEETS_PREFIX "content\/pdf\/" overlap/],
    [{ ERRORS_PREFIX: 'factsheets/' }, /FACTSHEETS_PREFIX "factsheets\/" and ERRORS_PREFIX "factsheets\/" overlap/],
    [{ CONTENT_PREFIX: 'index/pictures/' }, /CONTENT_PREFIX "index\/pictures\/" and the index prefix "index\/" overlap/],
    [{ ERRORS_PREFIX: 'reports/' }, /ERRORS_PREFIX "reports\/" and the reports prefix "reports\/" overlap/],
    [{ BUCKET_NAME: 'My_Bucket' }, /BUCKET_NAME "My_Bucket" is not a valid S3 bucket name/],
    [{ MAX_SOURCE_BYTES: '0' }, /MAX_SOURCE_BYTES "0"/],
    [{ RENDER_DEADLINE_MS: '15s' }, /RENDER_DEADLINE_MS "15s" is not a positive whole number of milliseconds/],
  ])('refuses %o', (override, message) => {
    // Act
    const error = captureError(() => loadConfig({ BUCKET_NAME: 'factsheet-publisher', ...override }));

    // Assert
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
