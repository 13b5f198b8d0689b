/**
 * CPU time (user + system, of the child process) of starting the CLI from the compiled
 * dist/: `autodvt --help` and `autodvt validate pipelines/demo.yaml`, beside `node -e 0`.
 * Each command runs `runs` times (default 5), interleaved, after one warm-up round (file
 * cache); prints the median and the median minus `node -e 0`'s. Build first (`npm run build`).
 * Issue 19's target: both under 0.3 s of CPU beyond `node -e 0`.
 * Run: node --import tsx bench/cli-start.ts [runs] [--json]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const json = process.argv.includes('--json');
const bin = path.join(root, 'bin/autodvt.js');
if (!fs.existsSync(path.join(root, 'dist/cli/main.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(1);
}

const cases: { name: string; args: string[] }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'autodvt --help', args: [bin, '--help'] },
  { name: 'autodvt validate pipelines/demo.yaml', args: [bin, 'validate', 'pipelines/demo.yaml'] },
];

/** CPU seconds of one child: GNU time's %U + %S, read back from a file so the child's own output stays apart. */
function cpuSeconds(args: string[]): number {
  const timeFile = path.join(root, 'tmp', `cli-start-${process.pid}.time`);
  fs.mkdirSync(path.dirname(timeFile), { recursive: true });
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S', process.execPath, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AUTODVT_USE_DIST: '1' },
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  fs.rmSync(timeFile, { force: true });
  return user! + sys!;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

for (const c of cases) cpuSeconds(c.args); // warm-up: file cache
const samples = new Map(cases.map((c) => [c.name, [] as number[]]));
for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name)!.push(cpuSeconds(c.args));

const base = median(samples.get('node -e 0')!);
const rows = cases.map((c) => {
  const xs = samples.get(c.name)!;
  return {
    command: c.name,
    'median CPU s': +median(xs).toFixed(2),
    'beyond node -e 0': +(median(xs) - base).toFixed(2),
    runs: xs.map((x) => x.toFixed(2)).join(' '),
  };
});
if (json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
else console.table(rows);
