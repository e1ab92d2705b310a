/**
 * A headless Chromium for browser tests: Debian's `chromium` package (/usr/bin/chromium, or
 * CHROMIUM_PATH), driven by playwright-core, never a browser Playwright downloads. Started with a
 * fresh profile and the flags a closed network needs (no background calls to Google's hosts).
 * Screenshots go to test-artifacts/ at the repository's root (gitignored; CI keeps them).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export interface Browser {
  context: BrowserContext;
  /** Where a screenshot named `name` goes (test-artifacts/NAME.png). */
  artifact(name: string): string;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `the browser test needs Chromium at ${executablePath}: apt-get install -y chromium (bash .ci/run installs it), or set CHROMIUM_PATH`,
    );
  }
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  // A fresh profile each run: nothing remembered from a run before (cookies, cache, sessions).
  const profile = await mkdtemp(join(tmpdir(), 'revoker-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    artifact: (name) => join(ARTIFACTS_DIR, `${name}.png`),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
