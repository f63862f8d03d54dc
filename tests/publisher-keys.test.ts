import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  compareSequencers,
  decodeEventKey,
  documentPathOf,
  encodeEventKey,
  errorReportKeyFor,
  factsheetKeyFor,
  fitsInS3,
  fromMetadataValue,
  indexKeyFor,
  isPictureKey,
  reportKeyFor,
  toMetadataValue,
} from '../lambdas/publisher/keys';

const KEYS = [
  'content/plain.yaml',
  'content/with space.yaml',
  'content/a+b & c=d.yaml',
  'content/Élysée « sommet » l’œuvre.md',
  'content/Кирилиця/Київ 2022.txt',
  "content/what's (new)? ~50%!.json",
];

describe('keys: event key encoding', () => {
  it('decodes the key of a recorded S3 notification (`+` is a space, %XX is UTF-8)', async () => {
    // Prepare
    const event = JSON.parse(await readFile('tests/fixtures/events/object-created-put.json', 'utf8')) as S3Event;

    // Act
    const key = decodeEventKey(event.Records[0]?.s3.object.key ?? '');

    // Assert
    expect(key).toBe('content/Élysée & Kremlin + Київ.txt');
  });

  it.each(KEYS)('round-trips %s, keeping slashes and writing spaces as +', (key) => {
    // Act
    const encoded = encodeEventKey(key);

    // Assert
    expect(decodeEventKey(encoded)).toBe(key);
    expect(encoded).toMatch(/^[A-Za-z0-9%+/._*-]+$/);
    expect(encoded.split('/')).toHaveLength(key.split('/').length);
    expect(encoded.includes('+')).toBe(key.includes(' ') || key.includes('+'));
  });

  it('encodes the recorded key exactly as S3 did', async () => {
    // Prepare
    const event = JSON.parse(await readFile('tests/fixtures/events/object-created-put.json', 'utf8')) as S3Event;
    const recorded = event.Records[0]?.s3.object.key ?? '';

    // Act
    const encoded = encodeEventKey(decodeEventKey(recorded));

    // Assert
    expect(encoded).toBe(recorded);
  });
});

describe('keys: document paths', () => {
  it.each([
    ['content/a.yaml', 'a', 'factsheets/a.pdf', 'errors/a.json'],
    ['content/world/a.fr.md', 'world/a.fr', 'factsheets/world/a.fr.pdf', 'errors/world/a.fr.json'],
    ['content/dir.v2/readme', 'dir.v2/readme', 'factsheets/dir.v2/readme.pdf', 'errors/dir.v2/readme.json'],
    ['content/.hidden', '.hidden', 'factsheets/.hidden.pdf', 'errors/.hidden.json'],
    ['content/Київ 2022.txt', 'Київ 2022', 'factsheets/Київ 2022.pdf', 'errors/Київ 2022.json'],
  ])('%s → %s', (key, path, factsheet, errorReport) => {
    // Act and Assert
    expect(documentPathOf(key)).toBe(path);
    expect(factsheetKeyFor(key)).toBe(factsheet);
    expect(errorReportKeyFor(key)).toBe(errorReport);
  });

  it.each(['factsheets/a.pdf', 'errors/a.json', 'contents/a.yaml', 'content/world/', 'content/'])(
    'has no document for %s (outside content/ or a folder marker)',
    (key) => {
      // Act and Assert
      expect(documentPathOf(key)).toBeNull();
      expect(() => factsheetKeyFor(key)).toThrow(RangeError);
    },
  );

  it('follows a custom layout', () => {
    // Prepare
    const layout = { contentPrefix: 'in/', factsheetsPrefix: 'out/pdf/', errorsPrefix: 'out/errors/' };

    // Act and Assert
    expect(factsheetKeyFor('in/x/y.yaml', layout)).toBe('out/pdf/x/y.pdf');
    expect(errorReportKeyFor('in/x/y.yaml', layout)).toBe('out/errors/x/y.json');
    expect(documentPathOf('content/y.yaml', layout)).toBeNull();
  });
});

describe('keys: metadata values and sequencers', () => {
  it.each(KEYS)('stores %s as ASCII metadata and reads it back', (key) => {
    // Act
    const value = toMetadataValue(key);

    // Assert
    expect(value).toMatch(/^[\x21-\x7e]+$/);
    expect(fromMetadataValue(value)).toBe(key);
  });

  it.each([
    ['0055AED6DCD90281E5', '0055AED6DCD90281F2', -1],
    ['0055AED6DCD90281E5', '0055AED6DCD90282', -1],
    ['0A', '0A00', 0],
    ['FF', '0100', 1],
    ['00a1', '00A1', 0],
  ])('orders %s against %s after right-padding: %i', (a, b, expected) => {
    // Act and Assert
    expect(Math.sign(compareSequencers(a, b))).toBe(expected);
    expect(Math.sign(compareSequencers(b, a))).toBe(expected === 0 ? 0 : -expected);
  });
});

describe('keys: pictures and their index', () => {
  it.each([
    ['content/photos/kyiv.jpg', true],
    ['content/photos/Kyiv.JPEG', true],
    ['content/maps/kyiv.png', true],
    ['content/kyiv.yaml', false],
    ['content/.png', false],
    ['factsheets/kyiv.jpg', false],
    ['content/photos/', false],
  ])('%s is a picture: %s', (key, expected) => {
    expect(isPictureKey(key)).toBe(expected);
  });

  it('keys the index by the content key, readable while S3 allows it', () => {
    expect(indexKeyFor('pictures', 'content/photos/été.jpg')).toBe('index/pictures/photos/été.jpg.json');
    expect(indexKeyFor('documents', 'content/world/a.yaml')).toBe('index/documents/world/a.yaml.json');
  });

  it('keys the index by SHA-256 when the readable key would pass S3’s 1 024 bytes', () => {
    // Prepare: a content key S3 accepts (1 024 bytes) whose readable index key it would refuse.
    const longest = `content/${'é'.repeat(504)}.jpg`;
    // The longest that stays readable: exactly 1 024 bytes once in the index.
    const fits = `content/${'a'.repeat(1024 - 'index/pictures/'.length - '.json'.length)}`;

    // Act
    const hashed = indexKeyFor('pictures', longest);

    // Assert
    expect(Buffer.byteLength(longest)).toBe(1020);
    expect(hashed).toMatch(/^index\/pictures-by-hash\/[0-9a-f]{64}\.json$/);
    expect(hashed).not.toBe(indexKeyFor('pictures', `${longest.slice(0, -5)}x.jpg`));
    expect(indexKeyFor('pictures', fits)).toBe(`index/pictures/${fits.slice('content/'.length)}.json`);
  });
});

describe('keys: error and report keys bounded to what S3 holds', () => {
  // 2-byte letters, so that a cut at the limit falls inside one unless it steps back.
  const longSource = (bytes: number, extension = '.yaml') => {
    const letters = 'Київ'.repeat(400);
    let path = '';
    for (const letter of letters) {
      if (Buffer.byteLength(`content/${path}${letter}${extension}`) > bytes) break;
      path += letter;
    }
    return `content/${'a'.repeat(bytes - Buffer.byteLength(`content/${path}${extension}`))}${path}${extension}`;
  };

  it('keeps the readable key while it fits', () => {
    // Prepare
    const source = longSource(1_020);

    // Act
    const keys = [errorReportKeyFor(source), reportKeyFor(source)];

    // Assert
    expect(keys).toEqual([`errors/${source.slice(8, -5)}.json`, `reports/${source.slice(8, -5)}.json`]);
  });

  // errors/ is a byte shorter than content/, .json a byte longer than .yaml: a short extension or none makes both overflow.
  it.each([
    [1_021, ''],
    [1_024, '.md'],
  ])('cuts the report keys of a %i-byte source “…%s” at a character boundary and appends 16 hex digits of its SHA-256', (bytes, extension) => {
    // Prepare
    const source = longSource(bytes, extension);
    const hash = createHash('sha256').update(source, 'utf8').digest('hex').slice(0, 16);

    // Act
    const keys = [errorReportKeyFor(source), reportKeyFor(source)];

    // Assert
    for (const key of keys) {
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1_024);
      expect(Buffer.byteLength(key)).toBeGreaterThan(1_020);
      expect(key).toMatch(new RegExp(`^(errors|reports)/a*[Київ]+~${hash}\\.json$`, 'u'));
      expect(key).not.toContain('\uFFFD');
      expect(source.slice(8)).toContain(key.slice(key.indexOf('/') + 1, key.indexOf('~')));
      expect(Buffer.byteLength(`${key.slice(0, key.indexOf('~'))}К${key.slice(key.indexOf('~'))}`)).toBeGreaterThan(1_024);
    }
    expect(Buffer.byteLength(source)).toBe(bytes);
  });

  it('gives two long sources that differ only past the cut two keys', () => {
    // Prepare
    const base = longSource(1_020, '');

    // Act
    const keys = new Set([`${base}ab.yaml`, `${base}ac.yaml`].map((source) => errorReportKeyFor(source)));

    // Assert
    expect(keys.size).toBe(2);
  });

  it('knows which keys S3 can hold', () => {
    expect([fitsInS3(`content/${'я'.repeat(508)}`), fitsInS3(`content/${'я'.repeat(508)}a`)]).toEqual([true, false]);
  });
});
