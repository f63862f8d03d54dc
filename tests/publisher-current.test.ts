/**
 * The one "is this output current for this source" rule (lambdas/publisher/current.ts), shared by
 * the publisher's duplicate check, republish and the publish command's wait, and the one
 * concurrency limit shared by republish and the local emulator. No S3: plain values in and out.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLimiter } from '../lambdas/publisher/concurrency';
import { currentAnswer, metadataOf, type Outputs, type Recorded, recordedOn, recordsSource } from '../lambdas/publisher/current';
import { DEFAULT_KEY_LAYOUT, MAX_USER_METADATA_BYTES, METADATA_SOURCE_KEY, userMetadataBytes } from '../lambdas/publisher/keys';

const UPLOAD = { key: 'content/été/sommet.yaml', etag: '"e1"' };
const VERSION = '0.2.0+0000000000bb';
const answer = (fields: Partial<Recorded> = {}): Recorded => ({
  source: { kind: 'key', key: UPLOAD.key },
  sourceEtag: 'e1',
  publisherVersion: VERSION,
  sequencer: '0A',
  ...fields,
});

describe('currentAnswer: which output answers this upload', () => {
  it.each<[string, Outputs, string | undefined, ReturnType<typeof currentAnswer>]>([
    ['nothing published', { factsheet: null, errorReport: null }, VERSION, null],
    ['the fact sheet of this upload, by this version', { factsheet: answer(), errorReport: null }, VERSION, 'factsheet'],
    ['ETags compared without their quotes', { factsheet: answer({ sourceEtag: '"e1"' }), errorReport: null }, VERSION, 'factsheet'],
    ['the fact sheet of an older upload', { factsheet: answer({ sourceEtag: 'e0' }), errorReport: null }, VERSION, null],
    ['the fact sheet of another version', { factsheet: answer({ publisherVersion: 'old' }), errorReport: null }, VERSION, null],
    ['the fact sheet of another version, any version asked for', { factsheet: answer({ publisherVersion: 'old' }), errorReport: null }, undefined, 'factsheet'],
    ['the fact sheet of another source of the same path', { factsheet: answer({ source: { kind: 'key', key: 'content/été/sommet.md' } }), errorReport: null }, VERSION, null],
    ['an object the publisher did not write', { factsheet: {}, errorReport: null }, VERSION, null],
    ['the error report of this upload', { factsheet: answer({ sourceEtag: 'e0' }), errorReport: answer() }, VERSION, 'error-report'],
    ['the error report of an older upload, the fact sheet current: an unfinished publication', { factsheet: answer(), errorReport: answer({ sourceEtag: 'e0' }) }, VERSION, null],
    ['the fact sheet current beside a conflict report of another source', { factsheet: answer(), errorReport: answer({ source: { kind: 'key', key: 'content/été/sommet.md' } }) }, VERSION, null],
    ['the error report of another version', { factsheet: null, errorReport: answer({ publisherVersion: 'old' }) }, VERSION, null],
  ])('%s', (_name, outputs, version, expected) => {
    expect(currentAnswer(outputs, UPLOAD, version)).toBe(expected);
  });

  it('reads back what the publisher records, the source key percent-encoded in the metadata', () => {
    // Prepare
    const recorded: Recorded = { ...answer(), sourceVersion: 'v3' };

    // Act
    const metadata = metadataOf(recorded);

    // Assert
    expect(metadata).toEqual({
      'source-key': 'content%2F%C3%A9t%C3%A9%2Fsommet.yaml',
      'source-etag': 'e1',
      'source-version': 'v3',
      'publisher-version': VERSION,
      sequencer: '0A',
    });
    expect(recordedOn(metadata, DEFAULT_KEY_LAYOUT)).toEqual(recorded);
    expect(recordedOn(undefined, DEFAULT_KEY_LAYOUT)).toEqual({});
  });

  it('records no sequencer or version where there is none, and ETags without quotes', () => {
    expect(metadataOf({ source: { kind: 'key', key: 'content/a.yaml' }, sourceEtag: '"e1"', publisherVersion: VERSION })).toEqual({
      'source-key': 'content%2Fa.yaml',
      'source-etag': 'e1',
      'publisher-version': VERSION,
    });
  });
});

describe('metadataOf: within S3’s 2 KB of user metadata', () => {
  const others = { ...answer(), source: undefined };
  const entries = { 'content-sha256': 'f'.repeat(64), template: 'briefing' };
  /** An ASCII key whose whole metadata is `bytes` bytes; percent-encoding makes its one slash three bytes. */
  const keyFilling = (bytes: number) => {
    const room = bytes - userMetadataBytes(metadataOf(others, entries)) - METADATA_SOURCE_KEY.length;
    return `content/${'a'.repeat(room - 'content%2F.yaml'.length)}.yaml`;
  };
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('records the key whole while everything fits in 2 048 bytes, by its digest one byte past', () => {
    // Prepare
    const fits = keyFilling(MAX_USER_METADATA_BYTES);
    const past = keyFilling(MAX_USER_METADATA_BYTES + 1);

    // Act
    const whole = metadataOf({ ...others, source: { kind: 'key', key: fits } }, entries);
    const digest = metadataOf({ ...others, source: { kind: 'key', key: past } }, entries);

    // Assert
    expect(userMetadataBytes(whole)).toBe(MAX_USER_METADATA_BYTES);
    expect(whole[METADATA_SOURCE_KEY]).toBe(encodeURIComponent(fits));
    expect(digest).toEqual({ ...whole, [METADATA_SOURCE_KEY]: `sha256:${sha256(past)}` });
    expect(recordedOn(digest, DEFAULT_KEY_LAYOUT).source).toEqual({ kind: 'sha256', sha256: sha256(past) });
    expect(recordsSource(recordedOn(digest, DEFAULT_KEY_LAYOUT), past)).toBe(true);
    expect(recordsSource(recordedOn(digest, DEFAULT_KEY_LAYOUT), fits)).toBe(false);
  });

  it('fits the longest key S3 holds, in Cyrillic, with every entry at its longest', () => {
    // Prepare: 1 024 bytes, six bytes a letter once percent-encoded.
    const key = `content/a${'ж'.repeat(506)}.md`;
    expect(Buffer.byteLength(key)).toBe(1_024);
    const longest: Recorded = {
      source: { kind: 'key', key },
      sourceEtag: `${'e'.repeat(32)}-10000`,
      sourceVersion: 'v'.repeat(32),
      sequencer: 'F'.repeat(32),
      publisherVersion: `0.2.0+${'0'.repeat(24)}`,
    };

    // Act
    const metadata = metadataOf(longest, { 'content-sha256': 'f'.repeat(64), template: encodeURIComponent('шаблон-брифінгу') });

    // Assert
    expect(userMetadataBytes(metadata)).toBeLessThanOrEqual(MAX_USER_METADATA_BYTES);
    expect(recordsSource(recordedOn(metadata, DEFAULT_KEY_LAYOUT), key)).toBe(true);
  });

  it('reads back what older publishers wrote: the key percent-encoded whatever its length, and a key that spells the digest form', () => {
    // Prepare
    const long = `content/a${'ж'.repeat(506)}.md`;
    const spelled = 'content/sha256:abc.yaml';

    // Act
    const legacy = recordedOn({ [METADATA_SOURCE_KEY]: encodeURIComponent(long) }, DEFAULT_KEY_LAYOUT);
    const lookalike = recordedOn(metadataOf({ source: { kind: 'key', key: spelled } }), DEFAULT_KEY_LAYOUT);

    // Assert
    expect(legacy.source).toEqual({ kind: 'key', key: long });
    expect(recordsSource(legacy, long)).toBe(true);
    expect(lookalike.source).toEqual({ kind: 'key', key: spelled });
  });
});

describe('recordedOn: which source-key values the publisher wrote', () => {
  const DIGEST = createHash('sha256').update('content/a.yaml').digest('hex');
  it.each<[string, string | undefined, Recorded['source']]>([
    ['no source-key', undefined, undefined],
    ['a key recorded whole', encodeURIComponent('content/été.yaml'), { kind: 'key', key: 'content/été.yaml' }],
    ['a key by its digest', `sha256:${DIGEST}`, { kind: 'sha256', sha256: DIGEST }],
    ['a digest in capitals', `sha256:${DIGEST.toUpperCase()}`, undefined],
    ['a digest one digit short', `sha256:${DIGEST.slice(1)}`, undefined],
    ['a digest one digit long', `sha256:${DIGEST}0`, undefined],
    ['a digest with a letter past f', `sha256:g${DIGEST.slice(1)}`, undefined],
    ['the prefix alone', 'sha256:', undefined],
    ['a digest followed by a key', `sha256:${DIGEST}/content/a.yaml`, undefined],
    ['a word no publisher writes', 'hello', undefined],
    ['a broken escape', '%ZZ', undefined],
    ['an escape of bytes that are not UTF-8', '%C3', undefined],
    ['a key with its slash unescaped', 'content/a.yaml', undefined],
    ['a key escaped in lowercase', 'content%2fa.yaml', undefined],
    ['a key outside the content prefix', encodeURIComponent('factsheets/a.pdf'), undefined],
    ['a folder marker', encodeURIComponent('content/world/'), undefined],
    ['the content prefix alone', encodeURIComponent('content/'), undefined],
  ])('%s', (_name, value, expected) => {
    expect(recordedOn(value === undefined ? {} : { [METADATA_SOURCE_KEY]: value }, DEFAULT_KEY_LAYOUT).source).toEqual(expected);
  });

  it('reads keys under the bucket’s own content prefix, and not under the default one there', () => {
    const layout = { ...DEFAULT_KEY_LAYOUT, contentPrefix: 'docs/' };

    expect(recordedOn({ [METADATA_SOURCE_KEY]: encodeURIComponent('docs/a.yaml') }, layout).source).toEqual({ kind: 'key', key: 'docs/a.yaml' });
    expect(recordedOn({ [METADATA_SOURCE_KEY]: encodeURIComponent('content/a.yaml') }, layout).source).toBeUndefined();
  });
});

describe('createLimiter: at most N tasks at once', () => {
  it('runs at most N at once, starts them in the order given, and returns each result', async () => {
    // Prepare
    const limit = createLimiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (index: number) => async () => {
      started.push(index);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5 + (index % 3) * 5));
      running -= 1;
      return index * 10;
    };

    // Act
    const results = await Promise.all([0, 1, 2, 3, 4, 5, 6].map((index) => limit(task(index))));

    // Assert
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(running).toBe(0);
  });

  it('frees the place of a task that fails, and passes its error on', async () => {
    const limit = createLimiter(1);

    const failed = limit(() => Promise.reject(new Error('Rate exceeded')));
    const next = limit(() => Promise.resolve('ran'));

    await expect(failed).rejects.toThrow('Rate exceeded');
    await expect(next).resolves.toBe('ran');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %s', (limit) => {
    expect(() => createLimiter(limit)).toThrow(`concurrency ${limit}: expected a whole number of at least 1`);
  });
});
