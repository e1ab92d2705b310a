'use strict';
/*
 * The Node.js version check every entry point runs first (the `revoker` command, `npm run demo` and
 * the other npm scripts). Plain ES5 on purpose: no const, arrow functions, import syntax or
 * TypeScript, so that any Node.js old enough to need this message can parse it, and says which
 * version revoker needs and how to get one instead of "Unknown file extension .ts" or a
 * SyntaxError from a dependency. Run directly (`node bin/check-node.cjs NAME`) it exits 0 or 2.
 */
var path = require('path');

// One source of truth: package.json's engines field (">=22.18.0").
var ENGINES = require(path.join(__dirname, '..', 'package.json')).engines.node;

function parseVersion(text) {
  var m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(text).replace(/^>=\s*/, ''));
  if (!m) throw new Error('cannot read a version from "' + text + '"');
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** True when `version` (e.g. "20.20.2") is below the minimum `engines` allows (e.g. ">=22.18.0"). */
function isTooOld(version, engines) {
  var have = parseVersion(version);
  var need = parseVersion(engines);
  var i;
  for (i = 0; i < 3; i++) {
    if (have[i] !== need[i]) return have[i] < need[i];
  }
  return false;
}

function minimumOf(engines) {
  return parseVersion(engines).join('.');
}

function tooOldMessage(command, version, engines, execPath) {
  return [
    command +
      ': needs Node.js ' +
      minimumOf(engines) +
      ' or newer (24 recommended); this is Node.js ' +
      version +
      ' (' +
      execPath +
      ').',
    '  Install Node.js 24, then run the command again with it first on your PATH, for example:',
    '    nvm install 24 && nvm use 24',
    '    npm install --prefix ~/.node24 node@24 && export PATH="$HOME/.node24/node_modules/.bin:$PATH"',
    '  or run the container image (README.md, "Deployment").',
    ''
  ].join('\n');
}

/** On a Node.js older than package.json allows: say so on stderr and exit 2 (no stack trace). */
function exitIfTooOld(command) {
  var version = process.versions.node;
  if (!isTooOld(version, ENGINES)) return;
  process.stderr.write(tooOldMessage(command, version, ENGINES, process.execPath));
  process.exit(2);
}

module.exports = {
  ENGINES: ENGINES,
  isTooOld: isTooOld,
  tooOldMessage: tooOldMessage,
  exitIfTooOld: exitIfTooOld
};

if (require.main === module) exitIfTooOld(process.argv[2] || 'revoker');
