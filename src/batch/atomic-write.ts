/**
 * Write a file so that a reader (or a rerun after a crash, Ctrl-C or SIGKILL) sees
 * either the old content or the new, never half of it: write a temporary file next
 * to the target, flush it to disk, then rename it over the target.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Temporary files are `<name>.tmp-<pid>-<n>`; `removeStaleTemps` clears them. */
const TEMP_MARK = '.tmp-';
let counter = 0;

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}${TEMP_MARK}${process.pid}-${counter++}`;
  const fh = await fs.promises.open(temp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}

/** Remove temporary files a killed writer left in `dir` (not recursive). */
export function removeStaleTemps(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let removed = 0;
  for (const name of fs.readdirSync(dir)) {
    const i = name.indexOf(TEMP_MARK);
    if (i <= 0) continue;
    const pid = Number(name.slice(i + TEMP_MARK.length).split('-')[0]);
    // A temp file of a live process on this machine may still be written.
    if (pid === process.pid || isAlive(pid)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
