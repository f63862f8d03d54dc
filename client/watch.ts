/**
 * Calls back once per burst of saves under some files or folders. Editors save in several
 * steps (a temporary file, a rename, a touch), so changes within `quietMs` count as one.
 */
import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';

export interface Watcher {
  close(): void;
}

export interface Watched {
  readonly path: string;
  /** Subfolders too (on Linux one watch per folder: not for a tree like node_modules). */
  readonly recursive: boolean;
}

export function watchPaths(paths: readonly Watched[], onChange: (changed: readonly string[]) => void, quietMs = 60): Watcher {
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  const watchers: FSWatcher[] = paths.map(({ path, recursive }) =>
    watch(path, { recursive, persistent: true }, (_event, name) => {
      changed.add(name === null ? path : join(path, name));
      clearTimeout(timer);
      timer = setTimeout(() => {
        const burst = [...changed];
        changed = new Set();
        onChange(burst);
      }, quietMs);
    }),
  );
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
