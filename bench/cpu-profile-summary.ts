/**
 * Self time of a V8 CPU profile (`node --cpu-prof`, or bench/archive-cpu.ts --profile),
 * by function and by file, as Markdown tables: where a thread's samples went.
 *
 *   npx tsx bench/cpu-profile-summary.ts PROFILE.cpuprofile [PROFILE2 ...] [--top 30]
 *
 * Several profiles are added together. Files are shortened to the package
 * (node_modules/<name>) or to the path inside this repository; V8's own entries keep
 * their names: `(program)` is native code outside JavaScript (here mostly onnxruntime's
 * run() and libuv), `(garbage collector)` the main thread's GC pauses, `(idle)` waiting.
 * The share column is of all samples, idle included; `busy` leaves idle out.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' } }, allowPositionals: true });
if (positionals.length === 0) {
  console.error('usage: npx tsx bench/cpu-profile-summary.ts PROFILE.cpuprofile [...] [--top 30]');
  process.exit(2);
}
const top = Number(values.top);

function shortFile(url: string): string {
  if (!url) return '';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `node_modules/${nm[1]}`;
  if (url.startsWith('node:')) return url;
  const repo = /\/(src|bench|test)\/(.*)$/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url.replace(/^file:\/\//, '');
}

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
let idle = 0;
for (const file of positionals) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = nodes.get(profile.samples[i]!)!.callFrame;
    const f = shortFile(url);
    const name = f ? `${functionName || '(anonymous)'} ${f}:${lineNumber + 1}` : functionName;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const fileKey = f || functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
    total += us;
    if (functionName === '(idle)') idle += us;
  }
}

function table(title: string, rows: Map<string, number>): void {
  console.log(`\n| ${title} | ms | share | busy |\n| --- | --- | --- | --- |`);
  for (const [k, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const busy = k === '(idle)' ? '' : `${((100 * us) / (total - idle)).toFixed(1)}%`;
    console.log(`| ${k} | ${(us / 1000).toFixed(1)} | ${((100 * us) / total).toFixed(1)}% | ${busy} |`);
  }
}

console.log(`${positionals.length} profile(s), ${(total / 1000).toFixed(0)} ms sampled, ${(idle / 1000).toFixed(0)} ms idle`);
table('self time by file', byFile);
table('self time by function', byFunction);
