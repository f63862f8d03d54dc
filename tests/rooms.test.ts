/**
 * The project's rooms and what each may import. A newcomer can tell from a file's folder what it
 * may depend on; this test keeps it true, so that nothing that runs in Lambda or against AWS ever
 * loads the local emulator, a CLI or a development-only package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Room = 'lambdas' | 'client' | 'emulator' | 'build' | 'bench' | 'cli' | 'infra' | 'tests';

/** For each room, the rooms its files may import (its own room always). */
const ALLOWED: Readonly<Record<Room, readonly Room[]>> = {
  lambdas: [],
  client: ['lambdas'],
  emulator: ['lambdas'],
  build: ['lambdas'],
  infra: ['lambdas'],
  bench: ['lambdas', 'client', 'emulator', 'build', 'infra'],
  cli: ['lambdas', 'client', 'emulator', 'build', 'bench', 'infra'],
  tests: ['lambdas', 'client', 'emulator', 'build', 'bench', 'cli', 'infra'],
};

/** Single files another room may import although their room is not allowed to it. */
const SHARED_FILES: Readonly<Record<string, readonly Room[]>> = {
  // The stack's output names, kept free of aws-cdk-lib so that the publish client can read them.
  'infra/outputs.ts': ['client'],
};

/** Rooms whose code runs in Lambda or against AWS: development-only packages stay out of them. */
const SHIPPED_ROOMS: readonly Room[] = ['lambdas', 'client'];

const ROOMS = Object.keys(ALLOWED) as Room[];
const DEV_PACKAGES = new Set(Object.keys(packageJson.devDependencies));

interface ImportSite {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** Static imports, re-exports, side-effect imports and dynamic `import('…')` with a literal. */
function importsOf(file: string): ImportSite[] {
  const text = readFileSync(join(root, file), 'utf8');
  const sites: ImportSite[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[3] ?? match[4];
    if (specifier === undefined) continue;
    const line = text.slice(0, text.indexOf(specifier, match.index)).split('\n').length;
    sites.push({ file, line, specifier, typeOnly: match[2] !== undefined });
  }
  return sites;
}

function roomOf(path: string): Room | undefined {
  const first = path.split('/')[0];
  return ROOMS.find((room) => room === first);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function violationsOf(room: Room): string[] {
  const violations: string[] = [];
  for (const site of sourceFiles(room).flatMap(importsOf)) {
    if (site.specifier.startsWith('.')) {
      const target = relative(root, resolve(root, dirname(site.file), site.specifier)).split(sep).join('/');
      const targetRoom = roomOf(target);
      if (targetRoom === undefined || targetRoom === room) continue;
      const allowed = ALLOWED[room].includes(targetRoom) || SHARED_FILES[`${target.replace(/\.ts$/, '')}.ts`]?.includes(room);
      if (!allowed) violations.push(`${site.file}:${site.line} imports ${target} (${room} may not import ${targetRoom})`);
    } else if (SHIPPED_ROOMS.includes(room) && !site.typeOnly && !site.specifier.startsWith('node:')) {
      const name = packageName(site.specifier);
      if (DEV_PACKAGES.has(name)) violations.push(`${site.file}:${site.line} loads the development-only package ${name}`);
    }
  }
  return violations;
}

describe('rooms', () => {
  it.each(ROOMS)('%s imports only what its room may', (room) => {
    // Act
    const violations = violationsOf(room);

    // Assert
    expect(violations).toEqual([]);
  });

  it('sees the imports it checks: the emulator loads s3rver, the CLIs load the emulator', () => {
    // Act
    const emulatorPackages = sourceFiles('emulator').flatMap(importsOf).map((site) => site.specifier);
    const cliTargets = sourceFiles('cli').flatMap(importsOf).map((site) => site.specifier);

    // Assert: if the scanner missed imports, every room above would pass vacuously.
    expect(emulatorPackages).toContain('s3rver');
    expect(cliTargets).toContain('../emulator/local-s3');
    expect(cliTargets).toContain('../bench/bench-pipeline');
  });
});
