/**
 * The publisher's configuration, read once from the environment and checked as a whole, so that a
 * misconfigured deployment fails at start with every problem named instead of on the first upload.
 */
import packageJson from '../../package.json' with { type: 'json' };
import { DEFAULT_LIMITS, DEFAULT_RENDER_DEADLINE_MS, OperatorError, type RendererOptions } from '../render';
import { deploymentMetadataProblems, INDEX_PREFIX, type KeyLayout, REPORTS_PREFIX } from './keys';

export interface PublisherConfig {
  readonly bucket: string;
  readonly layout: KeyLayout;
  /** Larger sources are refused before they are downloaded. */
  readonly maxSourceBytes: number;
  /** Recorded on every fact sheet so that a republish can find those made by an older release. */
  readonly publisherVersion: string;
  readonly templatesDir?: string;
  readonly fontsDir?: string;
  /** STRICT_WARNINGS=true: a document with any warning is rejected, the last good fact sheet kept. */
  readonly strictWarnings: boolean;
  /** RENDER_DEADLINE_MS: a render still running after this ends as an error report; below the function's timeout. */
  readonly renderDeadlineMs: number;
}

/** The engine's own limit, for a deployment that sets none. */
export const DEFAULT_MAX_SOURCE_BYTES = DEFAULT_LIMITS.maxBytes;

export class ConfigError extends OperatorError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid publisher configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

// S3's rules for general purpose bucket names, minus the legacy exceptions.
const BUCKET_NAME_PATTERN = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function loadConfig(environment: Environment = process.env): PublisherConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = environment[name]?.trim();
    return value === '' ? undefined : value;
  };

  const bucket = read('BUCKET_NAME');
  if (bucket === undefined) {
    problems.push('BUCKET_NAME is not set (expected the name of the bucket that holds content/ and factsheets/)');
  } else if (!BUCKET_NAME_PATTERN.test(bucket)) {
    problems.push(`BUCKET_NAME "${bucket}" is not a valid S3 bucket name (expected 3–63 of a-z, 0-9, "." and "-")`);
  }

  const prefix = (name: string, fallback: string): string => {
    const value = read(name) ?? fallback;
    if (!value.endsWith('/') || value.startsWith('/')) {
      problems.push(`${name} "${value}" must be a folder such as "${fallback}" (ending with "/", not starting with one)`);
    }
    return value;
  };
  const layout: KeyLayout = {
    contentPrefix: prefix('CONTENT_PREFIX', 'content/'),
    factsheetsPrefix: prefix('FACTSHEETS_PREFIX', 'factsheets/'),
    errorsPrefix: prefix('ERRORS_PREFIX', 'errors/'),
  };
  problems.push(...overlappingPrefixes(layout));

  const maxSourceBytesText = read('MAX_SOURCE_BYTES');
  const maxSourceBytes = maxSourceBytesText === undefined ? DEFAULT_MAX_SOURCE_BYTES : Number(maxSourceBytesText);
  if (!Number.isSafeInteger(maxSourceBytes) || maxSourceBytes <= 0) {
    problems.push(`MAX_SOURCE_BYTES "${maxSourceBytesText}" is not a positive whole number of bytes`);
  }

  const deadlineText = read('RENDER_DEADLINE_MS');
  const renderDeadlineMs = deadlineText === undefined ? DEFAULT_RENDER_DEADLINE_MS : Number(deadlineText);
  if (!Number.isSafeInteger(renderDeadlineMs) || renderDeadlineMs <= 0) {
    problems.push(`RENDER_DEADLINE_MS "${deadlineText}" is not a positive whole number of milliseconds`);
  }

  const strictText = read('STRICT_WARNINGS') ?? 'false';
  if (!['true', 'false'].includes(strictText)) problems.push(`STRICT_WARNINGS "${strictText}" must be true or false`);

  const publisherVersion = read('PUBLISHER_VERSION') ?? packageJson.version;
  // Recorded on everything the publisher writes: one S3 would refuse would fail every upload.
  problems.push(...deploymentMetadataProblems(publisherVersion, []));

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    bucket: bucket as string,
    layout,
    maxSourceBytes,
    publisherVersion,
    templatesDir: read('TEMPLATES_DIR'),
    fontsDir: read('FONTS_DIR'),
    strictWarnings: strictText === 'true',
    renderDeadlineMs,
  };
}

/** The publisher's own writes must never land under the content prefix, or one upload would trigger it forever. */
function overlappingPrefixes(layout: KeyLayout): string[] {
  const named = [
    ['CONTENT_PREFIX', layout.contentPrefix],
    ['FACTSHEETS_PREFIX', layout.factsheetsPrefix],
    ['ERRORS_PREFIX', layout.errorsPrefix],
    // Fixed: the picture index and the reports are written on every publication.
    ['the index prefix', INDEX_PREFIX],
    ['the reports prefix', REPORTS_PREFIX],
  ] as const;
  const problems: string[] = [];
  named.forEach(([name, value], index) => {
    for (const [otherName, otherValue] of named.slice(index + 1)) {
      if (value.startsWith(otherValue) || otherValue.startsWith(value)) {
        problems.push(`${name} "${value}" and ${otherName} "${otherValue}" overlap (expected separate folders)`);
      }
    }
  });
  return problems;
}

/** What the renderer needs from the configuration, the same in the Lambda and locally. */
export function rendererOptionsOf(config: PublisherConfig): RendererOptions {
  return { templatesDir: config.templatesDir, fontsDir: config.fontsDir, renderDeadlineMs: config.renderDeadlineMs };
}
