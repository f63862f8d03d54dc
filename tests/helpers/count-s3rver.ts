// Preloaded by a test (node --import): at exit, says how many of s3rver's files the process loaded.
// s3rver is CommonJS, so whatever imported it, its files are in require's cache.
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const loaded = Object.keys(cache).filter((path) => path.includes('/node_modules/s3rver/')).length;
  process.stderr.write(`\ns3rver files loaded: ${loaded}\n`);
});
