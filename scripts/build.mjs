/**
 * `npm run build`, also run by `prepare` (so `npm ci` and `npm pack` build too): the TypeScript
 * sources in src/ to JavaScript with declarations and source maps in dist/ (tsconfig.build.json;
 * `.ts` imports become `.js`), plus the files the code reads beside itself at run time (the Lua
 * scripts of src/queue/commands/, loaded relative to queue/lua-script's own URL). Plain JavaScript
 * so that it runs before anything is built.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const RUNTIME_ASSET = /\.lua$/;

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error(
    'build: typescript is not installed (a devDependency): run `npm ci` with dev dependencies, ' +
      'or install production dependencies with --ignore-scripts beside an already built dist/',
  );
  process.exit(1);
}

// A fresh dist/ every time: a source deleted or renamed must not live on in the package.
rmSync(dist, { recursive: true, force: true });
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

let assets = 0;
for (const file of readdirSync(src, { recursive: true })) {
  if (!RUNTIME_ASSET.test(file)) continue;
  cpSync(join(src, file), join(dist, file));
  assets++;
}
console.log(`build: dist/ written (tsc, ${assets} runtime files copied)`);
