#!/usr/bin/env node
/**
 * The `revoker` command: parses argv and hands each command to its own module. Owns the exit code.
 * Installed, `bin/revoker.cjs` checks the Node.js version and then calls runCli(); in a checkout
 * `node src/cli/main.ts …` runs it directly.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { packageInfo } from '../package-info.ts';
import { reportError } from './exit-codes.ts';
import { quietBullmqTimeoutWarnings } from './process-warnings.ts';
import type { CommandEnv } from './shared-options.ts';

type SetExit = (code: number) => void;

/**
 * Each command's module, loaded only when that command runs: together they pull in fastify, Bull
 * Board, the sandbox's certificate code and more, ~10 MB of heap that `revoker submit` or
 * `revoker worker` never uses, and V8 lets the old generation grow to a multiple of what is live
 * (see README, Memory). `revoker --help` (or an unknown command) loads them all.
 */
const COMMANDS: Record<string, (io: CommandEnv, setExit: SetExit) => Promise<Command>> = {
  submit: async (io, setExit) => (await import('./submit-command.ts')).submitCommand(io, setExit),
  worker: async (io, setExit) => (await import('./worker-command.ts')).workerCommand(io, setExit),
  serve: async (io, setExit) => (await import('./serve-command.ts')).serveCommand(io, setExit),
  batch: async (io, setExit) => (await import('./batch-command.ts')).batchCommand(io, setExit),
  account: async (io, setExit) => (await import('./account-command.ts')).accountCommand(io, setExit),
  dlq: async (io, setExit) => (await import('./dlq-command.ts')).dlqCommand(io, setExit),
  webhooks: async (io, setExit) => (await import('./webhooks-command.ts')).webhooksCommand(io, setExit),
  schedule: async (io, setExit) => (await import('./schedule-command.ts')).scheduleCommand(io, setExit),
  'migrate-layout': async (io, setExit) => (await import('./migrate-command.ts')).migrateCommand(io, setExit),
  demo: async (io, setExit) => (await import('./demo-command.ts')).demoCommand(io, setExit),
  sandbox: async () => (await import('./sandbox-command.ts')).sandboxCommand(),
};

export async function main(argv: readonly string[], io: Partial<CommandEnv> = {}): Promise<number> {
  const env: CommandEnv = {
    env: io.env ?? process.env,
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
  };
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('revoker')
    .description('Revoke and replace certificates in bulk through CA vendor APIs (Sectigo, DigiCert)')
    .version(packageInfo().version, '-V, --version', `print the version of ${packageInfo().name}`)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => env.stdout.write(s),
      writeErr: (s) => env.stderr.write(s),
    });
  // The first word names the command (no option of the program itself takes a value).
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  for (const name of named)
    program.addCommand(await (COMMANDS[name] as (typeof COMMANDS)[string])(env, setExit));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    return reportError(error, env.stderr);
  }
}

/** Runs the command line as a process: sets the exit code, and treats a closed stdout as the end. */
export async function runCli(argv: readonly string[]): Promise<void> {
  quietBullmqTimeoutWarnings();
  // `revoker batch report ID | head`: a reader that stops early is not an error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await main(argv);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  await runCli(process.argv.slice(2));
}
