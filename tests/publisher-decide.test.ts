/**
 * The publisher's decisions as a table, with no S3 at all: an event and the bucket's state in,
 * what to do out. The S3 side (gathering that state, carrying the decision out against the local
 * server) is tested in publisher-s3.test.ts and publisher-faults.test.ts.
 */
import { createHash } from 'node:crypto';
import type { S3EventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InputError } from '../lambdas/render/errors';
import { DEFAULT_KEY_LAYOUT } from '../lambdas/publisher/keys';
import { type Decision, decide, decidePicture, type DocumentEvent, eventOf, type Rules } from '../lambdas/publisher/decide';
import { KeyTooLongError, SourceConflictError } from '../lambdas/publisher/errors';
import { s3Record } from '../lambdas/publisher/event-record';
import type { DocumentIndex } from '../lambdas/publisher/picture-index';
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
  return { key, etag: `"out-${key}"`, source: { kind: 'key', key: KEY }, sourceEtag: 'e1', sequencer: '0A', publisherVersion: VERSION, ...fields };
}
const factsheet = (fields: Partial<OutputObject> = {}) => output('factsheets/world/sommet.pdf', fields);
const errorReport = (fields: Partial<OutputObject> = {}) => output('errors/world/sommet.json', fields);

const PICTURE = 'content/photos/kyiv.jpg';

/** What the answer for upload e1 read: by default no picture. */
function index(fields: Partial<DocumentIndex> = {}): DocumentIndex {
  return { document: KEY, sourceEtag: 'e1', pictures: {}, ...fields };
}

function observed(fields: {
  source?: SourceObject | null;
  factsheet?: OutputObject | null;
  errorReport?: OutputObject | null;
  siblings?: string[];
  index?: DocumentIndex | null;
  /** The ETag of PICTURE now, null when it is gone. */
  picture?: string | null;
}): Observed {
  return {
    source: fields.source === undefined ? source() : fields.source,
    outputs: { factsheet: fields.factsheet ?? null, errorReport: fields.errorReport ?? null },
    siblings: fields.siblings ?? [],
    index: fields.index === undefined ? index() : fields.index,
    ...(fields.picture === undefined ? {} : { picture: { key: PICTURE, etag: fields.picture } }),
  };
}

const created = (fields: Omit<Extract<DocumentEvent, { kind: 'created' }>, 'kind' | 'key'> = {}): DocumentEvent => ({
  kind: 'created',
  key: KEY,
  ...fields,
});
const removed: DocumentEvent = { kind: 'removed', key: KEY };
const pictureChanged: DocumentEvent = { kind: 'picture-changed', key: KEY, picture: PICTURE };
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
    case 'remove': {
      const pictures = decision.pictures.length === 0 ? {} : { pictures: decision.pictures };
      return { action: 'remove', outputs: decision.outputs.map((item) => item.key), survivor: decision.survivor, ...pictures };
    }
    case 'unfollow':
      return { action: 'unfollow', reason: decision.reason, picture: decision.picture };
    default: {
      const unhandled: never = decision;
      throw new Error(`unhandled ${JSON.stringify(unhandled)}`);
    }
  }
}

const recordOf = (fields: { sequencer?: string; sourceVersion?: string } = {}) => ({
  source: { kind: 'key', key: KEY },
  sourceEtag: 'e1',
  sourceVersion: fields.sourceVersion,
  publisherVersion: VERSION,
  sequencer: fields.sequencer,
});

describe('decide: an upload event', () => {
  it.each<[string, DocumentEvent, Observed, unknown]>([
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
      'a duplicate whose picture index was never written (stopped after the outputs, or deleted): answered again',
      created({ etag: 'e1', sequencer: '0A' }),
      observed({ factsheet: factsheet(), index: null }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'a republish whose picture index is an older upload’s: answered again',
      created({ etag: 'e1' }),
      observed({ factsheet: factsheet(), index: index({ sourceEtag: 'e0' }) }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
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
      observed({ factsheet: factsheet({ source: { kind: 'key', key: 'content/world/sommet.md' }, sequencer: 'FF' }) }),
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
      factsheet: factsheet({ source: { kind: 'key', key: 'content/world/sommet.md' } }),
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

  it('names the source whose fact sheet stays when it is recorded by its digest, and none when no source of the conflict has it', () => {
    // Prepare
    const digestOf = (key: string) => createHash('sha256').update(key).digest('hex');
    const siblings = ['content/world/sommet.md'];
    const messageWith = (sha256: string) => {
      const decision = decide(created(delivery), observed({ factsheet: factsheet({ source: { kind: 'sha256', sha256 } }), siblings }), RULES);
      return decision.action === 'reject' ? decision.error.problems[0]?.message : decision.action;
    };

    // Act
    const named = messageWith(digestOf('content/world/sommet.md'));
    const gone = messageWith(digestOf('content/world/sommet.json'));

    // Assert
    expect(named).toBe('content/world/sommet.md also publishes to factsheets/world/sommet.pdf, which stays as published from content/world/sommet.md');
    expect(gone).toBe('content/world/sommet.md also publishes to factsheets/world/sommet.pdf');
  });

  it('refuses a large source with the limit named', () => {
    const decision = decide(created(delivery), observed({ source: source({ size: 1001 }) }), RULES);

    const error = decision.action === 'reject' ? decision.error : undefined;
    expect(error).toBeInstanceOf(InputError);
    expect(error?.problems[0]?.expected).toMatch(/1000 bytes/);
  });
});

describe('decide: a source whose fact sheet’s key S3 cannot hold', () => {
  /** `content/<Ukrainian, 2 bytes a letter, one ASCII letter to reach odd lengths>.yaml` of exactly `bytes` bytes. */
  const ukrainianKey = (bytes: number) => {
    const letters = bytes - 'content/.yaml'.length;
    return `content/${'a'.repeat(letters % 2)}${'Україна'.repeat(100).slice(0, Math.floor(letters / 2))}.yaml`;
  };
  const longRecord = (key: string) => ({ ...recordOf({ sequencer: '0B' }), source: { kind: 'key', key } });

  it.each<[string, number, string, unknown]>([
    ['1 022 bytes: the fact sheet’s key is 1 024, published', 1_022, 'factsheets/', { action: 'render' }],
    ['1 023 bytes: the fact sheet’s key would be 1 025', 1_023, 'factsheets/', { action: 'reject', reason: 'key-too-long' }],
    ['1 024 bytes: the fact sheet’s key would be 1 026', 1_024, 'factsheets/', { action: 'reject', reason: 'key-too-long' }],
    ['1 024 bytes, a shorter output prefix: fits', 1_024, 'pdf/', { action: 'render' }],
  ])('%s', (_name, bytes, factsheetsPrefix, expected) => {
    // Prepare
    const key = ukrainianKey(bytes);
    const rules: Rules = { ...RULES, layout: { ...DEFAULT_KEY_LAYOUT, factsheetsPrefix } };
    expect(Buffer.byteLength(key)).toBe(bytes);

    // Act
    const decision = decide({ kind: 'created', key, ...delivery }, observed({ source: source({ key }) }), rules);

    // Assert
    expect(decision).toMatchObject(expected as object);
    if (decision.action !== 'skip' && decision.action !== 'remove' && decision.action !== 'unfollow') expect(decision.record).toEqual(longRecord(key));
  });

  it('names the key’s length, S3’s limit and the remedy', () => {
    // Prepare
    const key = ukrainianKey(1_023);

    // Act
    const decision = decide({ kind: 'created', key, ...delivery }, observed({ source: source({ key }) }), RULES);

    // Assert
    const error = decision.action === 'reject' ? decision.error : undefined;
    expect(error).toBeInstanceOf(KeyTooLongError);
    expect(error?.file).toBe(key);
    expect(error?.problems).toEqual([
      {
        message: "the fact sheet's key would be 1025 bytes; S3 allows 1 024: shorten the file name",
        expected: 'a source key of at most 1022 bytes (UTF-8)',
      },
    ]);
  });

  it('is refused before a conflict or the size, which a shorter name would still face', () => {
    // Prepare
    const key = ukrainianKey(1_024);

    // Act
    const decision = decide(
      { kind: 'created', key, ...delivery },
      observed({ source: source({ key, size: 5000 }), siblings: [`${key.slice(0, -5)}.md`] }),
      RULES,
    );

    // Assert
    expect(decision).toMatchObject({ action: 'reject', reason: 'key-too-long' });
  });

  it('skips a redelivered event once the error report answers the upload', () => {
    // Prepare
    const key = ukrainianKey(1_023);
    const report = output('errors/…~0123456789abcdef.json', { source: { kind: 'key', key }, sequencer: '0B' });

    // Act
    const decision = decide({ kind: 'created', key, ...delivery }, observed({ source: source({ key }), errorReport: report, index: index({ document: key }) }), RULES);

    // Assert
    expect(summary(decision)).toEqual({ action: 'skip', reason: 'already-reported' });
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
      'a fact sheet without source-key (not the publisher’s) stays; the error report recorded as its own goes',
      observed({ source: null, factsheet: factsheet({ source: undefined }), errorReport: errorReport() }),
      { action: 'remove', outputs: ['errors/world/sommet.json'], survivor: undefined },
    ],
    [
      'an error report without source-key stays; the fact sheet recorded as its own goes',
      observed({ source: null, factsheet: factsheet(), errorReport: errorReport({ source: undefined }) }),
      { action: 'remove', outputs: ['factsheets/world/sommet.pdf'], survivor: undefined },
    ],
    [
      'neither output records a source: both stay',
      observed({ source: null, factsheet: { key: 'factsheets/world/sommet.pdf', etag: '"by-hand"' }, errorReport: errorReport({ source: undefined, sourceEtag: undefined, sequencer: undefined, publisherVersion: undefined }) }),
      { action: 'remove', outputs: [], survivor: undefined },
    ],
    [
      'outputs recorded by the digest of this source go',
      observed({ source: null, factsheet: factsheet({ source: { kind: 'sha256', sha256: createHash('sha256').update(KEY).digest('hex') } }) }),
      { action: 'remove', outputs: ['factsheets/world/sommet.pdf'], survivor: undefined },
    ],
    [
      'outputs recorded by the digest of another source stay',
      observed({ source: null, factsheet: factsheet({ source: { kind: 'sha256', sha256: createHash('sha256').update('content/world/sommet.md').digest('hex') } }) }),
      { action: 'remove', outputs: [], survivor: undefined },
    ],
    [
      'a conflict ends: the sibling’s report stays and the one source left is published',
      observed({
        source: null,
        factsheet: factsheet(),
        errorReport: errorReport({ source: { kind: 'key', key: 'content/world/sommet.md' } }),
        siblings: ['content/world/sommet.md'],
      }),
      { action: 'remove', outputs: ['factsheets/world/sommet.pdf'], survivor: 'content/world/sommet.md' },
    ],
    [
      'the pictures its last answer read are named, for their indexes',
      observed({ source: null, factsheet: factsheet(), index: index({ pictures: { [PICTURE]: 'p1', 'content/maps/a.png': null } }) }),
      { action: 'remove', outputs: ['factsheets/world/sommet.pdf'], survivor: undefined, pictures: ['content/maps/a.png', PICTURE] },
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

describe('decide: a picture the document read changed', () => {
  const reading = (etag: string | null) => index({ pictures: { [PICTURE]: etag } });
  it.each<[string, Observed, unknown]>([
    ['the document is gone: it leaves the picture’s index', observed({ source: null, picture: 'p2' }), { action: 'unfollow', reason: 'source-removed', picture: PICTURE }],
    [
      'its current upload no longer reads the picture: it leaves the index, nothing is rendered',
      observed({ factsheet: factsheet(), index: index({ pictures: { 'content/photos/other.jpg': 'o1' } }), picture: 'p2' }),
      { action: 'unfollow', reason: 'picture-unused', picture: PICTURE },
    ],
    [
      'a redelivery: the fact sheet already read the picture as it is now',
      observed({ factsheet: factsheet(), index: reading('p2'), picture: 'p2' }),
      { action: 'skip', reason: 'picture-followed' },
    ],
    [
      'a redelivered deletion: the error report already says the picture is missing',
      observed({ factsheet: factsheet({ sourceEtag: 'e0' }), errorReport: errorReport(), index: reading(null), picture: null }),
      { action: 'skip', reason: 'picture-followed' },
    ],
    [
      'a new version of the picture: rendered again, the recorded sequencer kept',
      observed({ factsheet: factsheet(), index: reading('p1'), picture: 'p2' }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'the picture was deleted: rendered again (which reports it missing)',
      observed({ factsheet: factsheet(), index: reading('p1'), picture: null }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'the missing picture was uploaded: rendered again (which publishes it)',
      observed({ errorReport: errorReport(), index: reading(null), picture: 'p1' }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'the picture is as read, but the fact sheet is an older publisher version’s',
      observed({ factsheet: factsheet({ publisherVersion: OLD_VERSION }), index: reading('p2'), picture: 'p2' }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'no index for the document (the picture’s index names it): rendered, which writes one',
      observed({ factsheet: factsheet(), index: null, picture: 'p2' }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'the index is an older upload’s, which proves nothing about this one: rendered',
      observed({ factsheet: factsheet(), index: index({ sourceEtag: 'e0' }), picture: 'p2' }),
      { action: 'render', source: KEY, record: recordOf({ sequencer: '0A' }) },
    ],
    [
      'another source of the path appeared: refused as a conflict, as an upload would be',
      observed({ factsheet: factsheet(), index: reading('p1'), picture: 'p2', siblings: ['content/world/sommet.md'] }),
      { action: 'reject', reason: 'conflict', error: 'SourceConflictError', record: recordOf({ sequencer: '0A' }) },
    ],
  ])('%s', (_name, state, expected) => {
    // Act
    const decision = decide(pictureChanged, state, RULES);

    // Assert
    expect(summary(decision)).toEqual(expected);
  });
});

describe('decide: a picture’s own event', () => {
  it('follows every document the picture’s index names, and deletes what an older publisher wrote for the picture', () => {
    // Prepare
    const report = output('errors/photos/kyiv.json', { source: { kind: 'key', key: PICTURE } });

    // Act
    const decision = decidePicture({ users: { picture: PICTURE, documents: ['content/a.yaml', KEY] }, ownOutputs: [report] });

    // Assert
    expect(decision).toEqual({ action: 'follow', documents: ['content/a.yaml', KEY], stale: [report] });
  });

  it('follows nobody when the picture has no index (nobody ever used it)', () => {
    expect(decidePicture({ users: null, ownOutputs: [] })).toEqual({ action: 'follow', documents: [], stale: [] });
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
    ['a picture uploaded (any case of its extension)', record({ key: 'content/photos/Kyiv.JPG' }), { kind: 'picture', key: 'content/photos/Kyiv.JPG' }],
    ['a PNG picture deleted', record({ key: 'content/maps/kyiv.png', eventName: 'ObjectRemoved:Delete' }), { kind: 'picture', key: 'content/maps/kyiv.png' }],
    ['a JPEG picture expired', record({ key: 'content/x.jpeg', eventName: 'LifecycleExpiration:Delete' }), { kind: 'picture', key: 'content/x.jpeg' }],
    ['a picture restored from Glacier', record({ key: 'content/x.jpg', eventName: 'ObjectRestore:Completed' }), { key: 'content/x.jpg', reason: 'ObjectRestore:Completed changes no picture' }],
  ])('%s', (_name, input, expected) => {
    expect(eventOf(input, RULES)).toEqual(expected);
  });

  it('ignores a key that is not validly URL-encoded', () => {
    const input = record();
    const broken = { ...input, s3: { ...input.s3, object: { ...input.s3.object, key: 'content/%E9.yaml' } } };

    expect(eventOf(broken, RULES)).toEqual({ key: 'content/%E9.yaml', reason: 'the key is not validly URL-encoded' });
  });
});
