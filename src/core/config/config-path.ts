/** Dot-paths as users read them: `stages[2].size`, and back to key arrays. */

export type PathKey = string | number;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Parse `stages[2].size` or `stages.2.size` into ['stages', 2, 'size']. */
export function parsePath(text: string): PathKey[] {
  const keys: PathKey[] = [];
  for (const part of text.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`cannot read the path "${text}"`);
    if (m[1]) keys.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(idx[1]));
  }
  if (keys.length === 0) throw new Error(`empty path in "${text}"`);
  return keys;
}
