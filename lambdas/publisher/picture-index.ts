/**
 * Which documents use which pictures, kept in the bucket as two kinds of small JSON objects
 * (docs/publishing.md, "Pictures"): one per document (what it read when it was last answered)
 * and one per picture (who to re-publish when it changes). Pure: reading and writing them
 * conditionally is the store's (store.ts).
 */
import { unquoteEtag } from './s3';

/** `index/documents/<key>.json`: what one source read when the publisher last answered it. */
export interface DocumentIndex {
  readonly document: string;
  /** The source upload that answer was for (unquoted). */
  readonly sourceEtag: string;
  /** Every picture the render asked for, with its ETag as read (unquoted), null when it was missing. */
  readonly pictures: Readonly<Record<string, string | null>>;
}

/** `index/pictures/<key>.json`: the sources whose last answer read this picture, sorted. */
export interface PictureIndex {
  readonly picture: string;
  readonly documents: readonly string[];
}

/**
 * Whether `index` is the one written for the upload with `etag`: only then does the answer beside
 * it count as current (decide.ts, republish), so that an answer whose index was never written
 * (the invocation stopped after the outputs, or the index was deleted) is made again.
 */
export function indexAnswers(index: DocumentIndex | null, etag: string): boolean {
  return index !== null && index.sourceEtag === unquoteEtag(etag);
}

/** The picture index with `document` in it, or null when it is in already (nothing to write). */
export function withDocument(index: PictureIndex | null, picture: string, document: string): PictureIndex | null {
  const documents = index?.documents ?? [];
  if (documents.includes(document)) return null;
  return { picture, documents: [...documents, document].sort() };
}

/**
 * The picture index without `document`: 'unchanged' when it was not in it, 'delete' when nobody
 * is left (an index object per picture ever used would pile up otherwise).
 */
export function withoutDocument(index: PictureIndex, document: string): PictureIndex | 'unchanged' | 'delete' {
  if (!index.documents.includes(document)) return 'unchanged';
  const documents = index.documents.filter((other) => other !== document);
  return documents.length === 0 ? 'delete' : { picture: index.picture, documents };
}

/** Pictures the previous answer read and the new one does not: the document leaves their indexes. */
export function picturesLeft(previous: DocumentIndex | null, now: ReadonlyMap<string, string | null>): string[] {
  return Object.keys(previous?.pictures ?? {}).filter((picture) => !now.has(picture)).sort();
}

/** The pictures whose state now differs from what was read; null in `now` means gone. */
export function picturesChanged(read: ReadonlyMap<string, string | null>, now: ReadonlyMap<string, string | null>): string[] {
  return [...read].filter(([picture, etag]) => now.get(picture) !== etag).map(([picture]) => picture).sort();
}

/** The body as stored; null when it is not an index this publisher wrote (reconcile rebuilds it). */
export function parseDocumentIndex(text: string): DocumentIndex | null {
  const value = parseObject(text);
  if (value === null || typeof value.document !== 'string' || typeof value.sourceEtag !== 'string') return null;
  const pictures = value.pictures;
  if (typeof pictures !== 'object' || pictures === null || Array.isArray(pictures)) return null;
  const entries = Object.entries(pictures as Record<string, unknown>);
  if (!entries.every(([, etag]) => etag === null || typeof etag === 'string')) return null;
  return { document: value.document, sourceEtag: value.sourceEtag, pictures: Object.fromEntries(entries) as Record<string, string | null> };
}

export function parsePictureIndex(text: string): PictureIndex | null {
  const value = parseObject(text);
  if (value === null || typeof value.picture !== 'string' || !Array.isArray(value.documents)) return null;
  const documents: unknown[] = value.documents;
  if (!documents.every((document): document is string => typeof document === 'string')) return null;
  return { picture: value.picture, documents: [...documents].sort() };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
