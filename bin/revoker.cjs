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

var root = path.join(__dirname, '..');
var source = path.join(root, 'src', 'cli', 'main.ts');
var built = path.join(root, 'dist', 'cli', 'main.js');
var entry;
if (fs.existsSync(source)) {
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
