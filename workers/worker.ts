#!/usr/bin/env node
/**
 * The worker process entry point: `node workers/worker.ts [--config PATH] [--account NAME …]`.
 * Wiring only; `revoker worker` runs the same thing.
 */
import { main } from '../src/cli/main.ts';

process.exitCode = await main(['worker', ...process.argv.slice(2)]);
