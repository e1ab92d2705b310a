#!/usr/bin/env node
'use strict';
/*
 * The `revoker` command. Checks the Node.js version (check-node.cjs) before loading anything else,
 * then runs the CLI: the built JavaScript in dist/ when installed (the package and the image ship
 * no sources), the TypeScript sources in a checkout (Node strips their types; no build needed
 * after an edit). Plain ES5 for the same reason as check-node.cjs.
 */
var fs = require('fs');
var path = require('path');
var url = require('url');
var check = require('./check-node.cjs');

check.exitIfTooOld('revoker');

/*
 * V8 heap sizing (README, Memory). revoker's processes make short-lived garbage around a small live
 * heap (25-50 MB whatever the batch size), and on a 64-bit machine with memory to spare V8 lets
 * both generations grow far past that before it collects:
 * - the young generation grows to 64 MB a semi-space (128 MB resident) under a steady allocation
 *   rate; 16 MB costs a few more (cheap) scavenges and keeps ~100 MB out of the resident set;
 * - the old generation may grow to 4 times what was live after the last full GC before the next
 *   one; a maximum of 512 MB (10 times the live heap) makes V8 choose a factor of about 1.4, so
 *   promoted garbage is collected at ~70 MB instead of ~200 MB. It is also a ceiling: a process
 *   that really held 512 MB would stop with an out-of-memory error rather than grow further.
 * V8 reads these only at start-up, so the process replaces itself once with them (process.execve:
 * same pid, signals and stdio; Node 22.15+ on POSIX; elsewhere it runs with V8's defaults). A flag
 * the operator gives (NODE_OPTIONS, or node's command line) wins over ours.
 */
var HEAP_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=512'];
var givenFlags = process.execArgv.concat((process.env.NODE_OPTIONS || '').split(/\s+/));
var missingFlags = HEAP_FLAGS.filter(function (flag) {
  var name = flag.slice(0, flag.indexOf('=')).replace(/_/g, '-');
  return !givenFlags.some(function (given) {
    return given.replace(/_/g, '-').split('=')[0] === name;
  });
});
if (missingFlags.length > 0 && typeof process.execve === 'function') {
  try {
    process.execve(
      process.execPath,
      [process.execPath].concat(missingFlags, process.execArgv, [__filename], process.argv.slice(2)),
      process.env
    );
  } catch (_error) {
    // execve returns only when it failed (a sandbox refusing exec): run on with V8's defaults.
  }
}

var root = path.join(__dirname, '..');
var source = path.join(root, 'src', 'cli', 'main.ts');
var built = path.join(root, 'dist', 'cli', 'main.js');
var entry;
// REVOKER_ENTRY=dist runs the build even in a checkout (the bench measures what is shipped).
var wanted = process.env.REVOKER_ENTRY;
if (wanted === 'dist' && fs.existsSync(built)) {
  entry = built;
} else if (fs.existsSync(source)) {
  // 23.0 to 23.5 pass the version check but strip types only behind a flag.
  if (!process.features.typescript) {
    process.stderr.write(
      'revoker: running from a checkout needs a Node.js that strips types (22.18+ or 23.6+; 24 ' +
        'recommended); this is Node.js ' +
        process.versions.node +
        '.\n'
    );
    process.exit(2);
  }
  entry = source;
} else if (fs.existsSync(built)) {
  entry = built;
} else {
  process.stderr.write('revoker: ' + built + ' is missing: run `npm run build`.\n');
  process.exit(2);
}

// import() through Function, so that a Node.js too old to parse import() still reads this file
// and gets the message above instead of a SyntaxError.
var load = new Function('specifier', 'return import(specifier)');
load(url.pathToFileURL(entry).href).then(
  function (cli) {
    return cli.runCli(process.argv.slice(2));
  },
  function (error) {
    process.stderr.write('revoker: cannot load ' + entry + ': ' + ((error && error.stack) || error) + '\n');
    process.exit(1);
  }
);
