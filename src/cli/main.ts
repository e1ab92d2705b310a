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
import { accountCommand } from './account-command.ts';
import { batchCommand } from './batch-command.ts';
import { demoCommand } from './demo-command.ts';
import { dlqCommand } from './dlq-command.ts';
import { reportError } from './exit-codes.ts';
import { migrateCommand } from './migrate-command.ts';
import { sandboxCommand } from './sandbox-command.ts';
import { scheduleCommand } from './schedule-command.ts';
import { serveCommand } from './serve-command.ts';
import type { CommandEnv } from './shared-options.ts';
import { submitCommand } from './submit-command.ts';
import { webhooksCommand } from './webhooks-command.ts';
import { workerCommand } from './worker-command.ts';

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
    })
    .addCommand(submitCommand(env, setExit))
    .addCommand(workerCommand(env, setExit))
    .addCommand(serveCommand(env, setExit))
    .addCommand(batchCommand(env, setExit))
    .addCommand(accountCommand(env, setExit))
    .addCommand(dlqCommand(env, setExit))
    .addCommand(webhooksCommand(env, setExit))
    .addCommand(scheduleCommand(env, setExit))
    .addCommand(migrateCommand(env, setExit))
    .addCommand(demoCommand(env, setExit))
    .addCommand(sandboxCommand());
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
