'use strict';
/*
 * Preloaded (`node --require bench/peak-rss.cjs …`) into a revoker CLI process the bench runs:
 * at exit, writes the process's peak resident set (VmHWM, bytes) to the file named by
 * BENCH_PEAK_RSS_FILE. Read at exit, the figure includes the very end of the run, which polling
 * /proc from outside could miss. Linux only; elsewhere nothing is written.
 */
const fs = require('node:fs');

const file = process.env.BENCH_PEAK_RSS_FILE;

function writePeak() {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) fs.writeFileSync(file, String(Number(match[1]) * 1024));
  } catch {
    // No /proc: the bench reports null.
  }
}

if (file) process.on('exit', writePeak);
