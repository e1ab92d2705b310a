/**
 * The package's own name and version, from its package.json: one level above this file both in
 * the sources (src/) and in the build (dist/), so the same code finds it in a checkout, an
 * installed package and the container image.
 */
import { readFileSync } from 'node:fs';

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (!cached) {
    const json = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageInfo;
    cached = Object.freeze({ name: json.name, version: json.version });
  }
  return cached;
}
