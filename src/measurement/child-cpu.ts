/**
 * CPU time of this process's child processes that have ended and been waited for
 * (ffmpeg decoders): cutime + cstime from /proc/self/stat, in ms, at the kernel's
 * 10 ms tick. Undefined where /proc is not there (not Linux).
 */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

export function endedChildrenCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // After "pid (comm) " the state is field 3, so cutime (16) and cstime (17) are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}
