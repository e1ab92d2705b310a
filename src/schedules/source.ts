/**
 * A schedule's source: an input file, read whole at every run, or a drop directory, whose files
 * each run takes and then moves beside it: to `processed/` once its batch is enqueued, to
 * `failed/` (with `<file>.errors.txt` saying why) once it is rejected. What arrived since the
 * last run is simply what is still in the directory.
 *
 * Taken from a directory: regular files directly in it, in name order. Skipped: names starting
 * with `.`, and ending `.tmp`, `.part` or `.partial` — a file still being written must be
 * written under such a name (or elsewhere) and renamed into place, which is atomic.
 */
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { RevokerError } from '../errors.ts';

export type ScheduleSource = { kind: 'file'; files: string[] } | { kind: 'directory'; files: string[] };

export const PROCESSED_DIR = 'processed';
export const FAILED_DIR = 'failed';

/** Whether a directory entry is still being written (or hidden): left for a later run. */
export function isInProgressName(name: string): boolean {
  return name.startsWith('.') || /\.(tmp|part|partial)$/i.test(name);
}

/** What a run takes from `path`; throws SCHEDULE_ERR_SOURCE naming the field when it cannot. */
export async function readSource(path: string, field: string): Promise<ScheduleSource> {
  let kind: 'file' | 'directory';
  try {
    const info = await stat(path);
    if (info.isFile()) kind = 'file';
    else if (info.isDirectory()) kind = 'directory';
    else throw Object.assign(new Error('not a file or directory'), { code: 'EINVAL' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new RevokerError(
      'SCHEDULE_ERR_SOURCE',
      `${field}: cannot read ${path} (${code === 'ENOENT' ? 'it does not exist' : code}): ` +
        'create the file or directory on this worker host (or shared storage), or fix the path',
      { details: { field, path, reason: code } },
    );
  }
  if (kind === 'file') return { kind, files: [path] };
  const entries = await readdir(path, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !isInProgressName(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => join(path, name));
  return { kind, files };
}

/**
 * Moves a taken file to `processed/` or `failed/` beside it and answers where it went. A file of
 * the same name there already is kept: this one gets `.<stamp>` before its extension.
 */
export async function settleFile(file: string, into: 'processed' | 'failed', stamp: string): Promise<string> {
  const dir = join(dirname(file), into === 'processed' ? PROCESSED_DIR : FAILED_DIR);
  await mkdir(dir, { recursive: true });
  const name = basename(file);
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  const candidates = [
    name,
    `${stem}.${stamp}${ext}`,
    ...Array.from({ length: 98 }, (_, i) => `${stem}.${stamp}-${i + 2}${ext}`),
  ];
  for (const candidate of candidates) {
    const target = join(dir, candidate);
    if (await exists(target)) continue;
    await rename(file, target);
    return target;
  }
  throw new RevokerError(
    'SCHEDULE_ERR_SOURCE',
    `cannot move ${file} into ${dir}: 100 files of that name are there already`,
  );
}

/** Beside a rejected file in `failed/`: why it was rejected. */
export async function writeRejection(movedTo: string, message: string): Promise<string> {
  const note = `${movedTo}.errors.txt`;
  await writeFile(note, `${message}\n`);
  return note;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
