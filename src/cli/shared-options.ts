/**
 * What every command that talks to a deployment shares: `--config`, then the configuration
 * loaded once, validated and frozen (env is passed in; no command reads process.env itself).
 */
import { type Env, loadConfig, type RevokerConfig } from '../config.ts';
import { openRevoker, type Revoker } from '../open-revoker.ts';

export interface CommandEnv {
  env: Env;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function configFrom(options: { config?: string }, io: CommandEnv): Promise<RevokerConfig> {
  return loadConfig({ ...(options.config ? { path: options.config } : {}), env: io.env });
}

/** Opens the deployment, runs `fn`, and always closes it. */
export async function withRevoker<T>(
  options: { config?: string },
  io: CommandEnv,
  fn: (revoker: Revoker) => Promise<T>,
): Promise<T> {
  const revoker = await openRevoker(await configFrom(options, io), { env: io.env });
  if (revoker.redisWarning) io.stderr.write(`revoker: warning: ${revoker.redisWarning}\n`);
  try {
    return await fn(revoker);
  } finally {
    await revoker.close();
  }
}
