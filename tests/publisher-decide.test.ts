/**
 * The publisher's decisions as a table, with no S3 at all: an event and the bucket's state in,
 * what to do out. The S3 side (gathering that state, carrying the decision out against the local
 * server) is tested in publisher-s3.test.ts and publisher-faults.test.ts.
 */
import type { S3EventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InputError } from '../lambdas/render/errors';
import { DEFAULT_KEY_LAYOUT } from '../lambdas/publisher/keys';
import { type Decision, decide, eventOf, type PublisherEvent, type Rules } from '../lambdas/publisher/decide';
import { SourceConflictError } from '../lambdas/publisher/errors';
import { s3Record } from '../lambdas/publisher/event-record';
import type { Observed, OutputObject, SourceObject } from '../lambdas/publisher/store';

const KEY = 'content/world/sommet.yaml';
const VERSION = '0.2.0+0000000000bb';
const OLD_VERSION = '0.1.0+0000000000aa';
const RULES: Rules = { bucket: 'factsheets-test', layout: DEFAULT_KEY_LAYOUT, maxSourceBytes: 1000, publisherVersion: VERSION };

/** The source as a HEAD returns it: the ETag quoted, as S3 sends it in headers. */
function source(fields: Partial<SourceObject> = {}): SourceObject {
  return { key: KEY, etag: '"e1"', size: 120, lastModified: new Date('2022-02-28T18:00:00Z'), ...fields };
}

/** An output this publisher version wrote for `KEY` at etag e1, sequencer 0A. */
function output(key: string, fields: Partial<OutputObject> = {}): OutputObject {
  return { key, etag: `"out-${key}"`, sourceKey: KEY, sourceEtag: 'e1', sequencer: '0A', publisherVersion: VERSION, ...fields };
}
const factsheet = (fields: Partial<OutputObject> = {}) => output('factsheets/world/sommet.pdf', fields);
const errorReport = (fields: Partial<OutputObject> = {}) => output('errors/world/sommet.json', fields);

function observed(fields: {
  source?: SourceObject | null;
  factsheet?: OutputObject | null;
  errorReport?: OutputObject | null;
  siblings?: string[];
}): Observed {
  return {
    source: fields.source === undefined ? source() : fields.source,
    outputs: { factsheet: fields.factsheet ?? null, errorReport: fields.errorReport ?? null },
    siblings: fields.siblings ?? [],
  };
}

const created = (fields: Omit<Extract<PublisherEvent, { kind: 'created' }>, 'kind' | 'key'> = {}): PublisherEvent => ({
  kind: 'created',
  key: KEY,
  ...fields,
});
const removed: PublisherEvent = { kind: 'removed', key: KEY };
const delivery = { etag: 'e1', sequencer: '0B' };

/** A decision reduced to what a row states: the action, its reason, and what it acts on. */
function summary(decision: Decision): unknown {
  switch (decision.action) {
    case 'skip':
      return { action: 'skip', reason: decision.reason };
    case 'reject':
      return { action: 'reject', reason: decision.reason, error: decision.error.name, record: decision.record };
    case 'render':
      return { action: 'render', source: decision.source.key, record: decision.record };
    case 'remove':
      return { action: 'remove', outputs: decision.outputs.map((item) => item.key), survivor: decision.survivor };
    default: {
      const unhandled: never = decision;
      throw new Error(`unhandled ${JSON.stringify(unhandled)}`);
    }
  }
}

const recordOf = (fields: { sequencer?: string; sourceVersion?: string } = {}) => ({
  sourceKey: KEY,
  sourceEtag: 'e1',
  sourceVersion: fields.sourceVersion,
  publisherVersion: VERSION,
  sequencer: fields.sequencer,
});

describe('decide: an upload event', () => {
  it.each<[string, PublisherEvent, Observed, unknown]>([
    ['the source was removed since', created(delivery), observed({ source: null }), { action: 'skip', reason: 'source-removed' }],
    [
      'an older version of a versioned source',
      created({ ...delivery, versionId: 'v1' }),
      observed({ source: source({ versionId: 'v2' }) }),
      { action: 'skip', reason: 'newer-version' },
    ],
    [
      'the unversioned source was overwritten since',
      created({ ...delivery, etag: 'e0' }),
      observed({}),
      { action: 'skip', reason: 'overwritten' },
    ],
    [
      'an older sequencer than the fact sheet records',
      created({ etag: 'e1', sequencer: '09FF' }),
      observed({ factsheet: factsheet() }),
      { action: 'skip', reason: 'newer-event' },
    ],
    [
      'an older sequencer than the error report records, compared right-padded ("0A" is newer than "09FF")',
      created({ etag: 'e1', sequencer: '09FF' }),
      observed({ factsheet: factsheet({ sourceEtag: 'e0', sequencer: '01' }), errorReport: errorReport() }),
      { action: 'skip', reason: 'newer-event' },
    ],
    [
      'a duplicate delivery of a published upload',
      created({ etag: 'e1', sequencer: '0A' }),
      observed({ factsheet: factsheet() }),
      { action: 'skip', reason: 'already-published' },
    ],
    [
      'a republish (no sequencer) of a fact sheet already current',
      created({ etag: 'e1' }),
      observed({ factsheet: factsheet() }),
      { action: 'skip', reason: 'already-published' },
    ],
    [
      'a redelivered event for bad content',
      created({ etag: 'e1', sequencer: '0A' }),
      observed({ factsheet: factsheet({ sourceEtag: 'e0', sequencer: '01' }), errorReport: errorReport() }),
      { action: 'skip', reason: 'already-reported' },
    ],
    [
      'a republish (no sequencer) of bad content: looked at again, the recorded sequencer kept',
      created({ etag: 'e1' }),
      observed({ errorReport: errorReport() }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'the survivor of a conflict (no sequencer) beside its conflict report, which records none either',
      created(),
      observed({ errorReport: errorReport({ sequencer: undefined }) }),
      { action: 'render', source: KEY, record: recordOf() },
    ],
    [
      'a new upload with nothing published yet',
      created({ ...delivery, versionId: 'v2' }),
      observed({ source: source({ versionId: 'v2' }) }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0B', sourceVersion: 'v2' }) },
    ],
    [
      'a newer upload over a published one',
      created({ etag: 'e2', sequencer: '0B' }),
      observed({ source: source({ etag: '"e2"' }), factsheet: factsheet() }),
      { action: 'render', source: KEY, record: { ...recordOf({ sequencer: '0B' }), sourceEtag: 'e2' } },
    ],
    [
      'the same bytes uploaded again: a newer event with the same ETag is published, to record its sequencer',
      created({ etag: 'e1', sequencer: '0B' }),
      observed({ factsheet: factsheet() }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0B' }) },
    ],
    [
      'the same upload whose fact sheet an older publisher version made',
      created({ etag: 'e1', sequencer: '0A' }),
      observed({ factsheet: factsheet({ publisherVersion: OLD_VERSION }) }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'a current fact sheet beside a leftover error report (a publication that did not finish)',
      created({ etag: 'e1', sequencer: '0A' }),
      observed({ factsheet: factsheet(), errorReport: errorReport({ sourceEtag: 'e0', sequencer: '01' }) }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'a newer sequencer recorded for another source of the same path does not make this event older',
      created({ etag: 'e1', sequencer: '0B' }),
      observed({ factsheet: factsheet({ sourceKey: 'content/world/sommet.md', sequencer: 'FF' }) }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0B' }) },
    ],
    [
      'a source conflict with a sibling of another extension',
      created(delivery),
      observed({ siblings: ['content/world/sommet.md'] }),
      { action: 'reject', reason: 'conflict', error: 'SourceConflictError', record: recordOf({ sequencer: '0B' }) },
    ],
    [
      'a source over the size limit',
      created(delivery),
      observed({ source: source({ size: 1001 }) }),
      { action: 'reject', reason: 'too-large', error: 'InputError', record: recordOf({ sequencer: '0B' }) },
    ],
    [
      'a source at the size limit exactly',
      created(delivery),
      observed({ source: source({ size: 1000 }) }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0B' }) },
    ],
    [
      'a conflict is reported before the size',
      created(delivery),
      observed({ source: source({ size: 5000 }), siblings: ['content/world/sommet.md'] }),
      { action: 'reject', reason: 'conflict', error: 'SourceConflictError', record: recordOf({ sequencer: '0B' }) },
    ],
  ])('%s', (_name, event, state, expected) => {
    // Act
    const decision = decide(event, state, RULES);

    // Assert
    expect(summary(decision)).toEqual(expected);
  });

  it('names every source of the conflict and the one whose fact sheet stays', () => {
    // Prepare
    const state = observed({
      factsheet: factsheet({ sourceKey: 'content/world/sommet.md' }),
      siblings: ['content/world/sommet.json', 'content/world/sommet.md'],
    });

    // Act
    const decision = decide(created(delivery), state, RULES);

    // Assert
    expect(decision.action).toBe('reject');
    const error = decision.action === 'reject' ? decision.error : undefined;
    expect(error).toBeInstanceOf(SourceConflictError);
    expect(error?.file).toBe(KEY);
    expect(error?.problems).toEqual([
      {
        message:
          'content/world/sommet.json and content/world/sommet.md also publish to factsheets/world/sommet.pdf, ' +
          'which stays as published from content/world/sommet.md',
        expected:
          'one source per fact sheet: delete or rename all but one of ' +
          'content/world/sommet.json, content/world/sommet.md, content/world/sommet.yaml',
      },
    ]);
  });

  it('refuses a large source with the limit named', () => {
    const decision = decide(created(delivery), observed({ source: source({ size: 1001 }) }), RULES);

    const error = decision.action === 'reject' ? decision.error : undefined;
    expect(error).toBeInstanceOf(InputError);
    expect(error?.problems[0]?.expected).toMatch(/1000 bytes/);
  });
});

describe('decide: a removal event', () => {
  it.each<[string, Observed, unknown]>([
    [
      'the source is gone: its fact sheet and error report go',
      observed({ source: null, factsheet: factsheet(), errorReport: errorReport() }),
      { action: 'remove', outputs: ['factsheets/world/sommet.pdf', 'errors/world/sommet.json'], survivor: undefined },
    ],
    [
      'the source is gone, nothing was published: nothing to delete',
      observed({ source: null }),
      { action: 'remove', outputs: [], survivor: undefined },
    ],
    [
      'outputs not written by the publisher go too',
      observed({ source: null, factsheet: factsheet({ sourceKey: undefined }) }),
      { action: 'remove', outputs: ['factsheets/world/sommet.pdf'], survivor: undefined },
    ],
    [
      'a conflict ends: the sibling’s report stays and the one source left is published',
      observed({
        source: null,
        factsheet: factsheet(),
        errorReport: errorReport({ sourceKey: 'content/world/sommet.md' }),
        siblings: ['content/world/sommet.md'],
      }),
      { action: 'remove', outputs: ['factsheets/world/sommet.pdf'], survivor: 'content/world/sommet.md' },
    ],
    [
      'two sources left: the conflict goes on, nobody is published',
      observed({ source: null, siblings: ['content/world/sommet.json', 'content/world/sommet.md'] }),
      { action: 'remove', outputs: [], survivor: undefined },
    ],
    [
      'the source is there again (a newer upload, or a restored delete) and its fact sheet is current',
      observed({ factsheet: factsheet() }),
      { action: 'skip', reason: 'already-published' },
    ],
    [
      'the source is there again but its fact sheet is gone (a restored delete)',
      observed({}),
      { action: 'render', source: KEY, record: recordOf() },
    ],
  ])('%s', (_name, state, expected) => {
    const decision = decide(removed, state, RULES);

    expect(summary(decision)).toEqual(expected);
  });
});

describe('decide: which records are the publisher’s', () => {
  const record = (fields: Partial<Parameters<typeof s3Record>[0]> = {}): S3EventRecord =>
    s3Record({ eventName: 'ObjectCreated:Put', bucket: RULES.bucket, key: 'content/été 2022.yaml', sequencer: '0A', eTag: 'e1', ...fields });

  it.each<[string, S3EventRecord, unknown]>([
    ['an upload, its key decoded', record(), { kind: 'created', key: 'content/été 2022.yaml', etag: 'e1', sequencer: '0A', versionId: undefined }],
    ['a copy', record({ eventName: 'ObjectCreated:Copy', versionId: 'v1' }), { kind: 'created', key: 'content/été 2022.yaml', etag: 'e1', sequencer: '0A', versionId: 'v1' }],
    ['a delete', record({ eventName: 'ObjectRemoved:Delete' }), { kind: 'removed', key: 'content/été 2022.yaml' }],
    ['an expiry', record({ eventName: 'LifecycleExpiration:Delete' }), { kind: 'removed', key: 'content/été 2022.yaml' }],
    ['another bucket', record({ bucket: 'someone-else' }), { key: 'content/été 2022.yaml', reason: 'bucket "someone-else" is not factsheets-test' }],
    ['outside content/', record({ key: 'factsheets/a.pdf' }), { key: 'factsheets/a.pdf', reason: 'not a document under content/' }],
    ['a folder marker', record({ key: 'content/world/' }), { key: 'content/world/', reason: 'not a document under content/' }],
    ['another event type', record({ eventName: 'ObjectRestore:Completed' }), { key: 'content/été 2022.yaml', reason: 'ObjectRestore:Completed changes nothing the publisher shows' }],
  ])('%s', (_name, input, expected) => {
    expect(eventOf(input, RULES)).toEqual(expected);
  });

  it('ignores a key that is not validly URL-encoded', () => {
    const input = record();
    const broken = { ...input, s3: { ...input.s3, object: { ...input.s3.object, key: 'content/%E9.yaml' } } };

    expect(eventOf(broken, RULES)).toEqual({ key: 'content/%E9.yaml', reason: 'the key is not validly URL-encoded' });
  });
});
