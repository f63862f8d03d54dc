// s3rver ships no types: the part of its API the local server uses.
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';
  import type { S3Event } from 'aws-lambda';
  import type { FilesystemStore } from 's3rver/internals';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    store: FilesystemStore;
    /** Koa's request context prototype: every request's `ctx.store` is read from here. */
    readonly context: { store: FilesystemStore };
    /** Koa's middleware, composed when the server starts. */
    readonly middleware: ((ctx: { path: string }, next: () => Promise<void>) => Promise<void>)[];
    /** Set by run(). */
    readonly httpServer?: import('node:http').Server;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    on(event: 'event', listener: (event: S3Event) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export default S3rver;
}

// Modules under s3rver/lib, loaded with require() by the emulator's store.
declare module 's3rver/internals' {
  import type { Readable } from 'node:stream';

  type Metadata = Record<string, string | number>;

  class S3Object {
    constructor(bucket: string, key: string, content: Readable | Buffer | null, metadata: Readonly<Record<string, unknown>>);
    readonly bucket: string;
    readonly key: string;
    readonly content: Readable | Buffer | null;
    readonly metadata: Metadata;
    range?: { start: number; end: number };
  }

  class S3Error extends Error {
    constructor(code: string, message?: string, detail?: Record<string, string>);
    readonly code: string;
  }

  class FilesystemStore {
    constructor(rootDirectory: string);
    reset(): void;
    deleteBucket(bucket: string): Promise<void>;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    putSubresource(bucket: string, key: string | undefined, resource: { type: string; toXML(indent: number): string }): Promise<void>;
    listObjects(
      bucket: string,
      options: { delimiter?: string; startAfter?: string; prefix?: string; maxKeys?: number },
    ): Promise<{ objects: S3Object[]; commonPrefixes: string[]; isTruncated: boolean }>;
    existsObject(bucket: string, key: string): Promise<boolean>;
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<S3Object | null>;
    putObject(object: S3Object): Promise<{ size: number; md5: string }>;
    copyObject(
      sourceBucket: string,
      sourceKey: string,
      bucket: string,
      key: string,
      replacementMetadata: Record<string, string> | null,
    ): Promise<Metadata>;
    deleteObject(bucket: string, key: string): Promise<void>;
  }
}
