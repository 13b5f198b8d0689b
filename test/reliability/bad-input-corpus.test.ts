/**
 * The generated bad-input corpus (bad-input-corpus.ts, fast-check, fixed seed) through
 * the CLI: every case in-process through `main` (fast), and a sample as real
 * `bin/autodvt.js` children (exit code, stderr, a timeout and peak memory). Every case
 * must end in an allowed class: exit 0 (the damage did no harm), exit 2 with one
 * readable message naming the file, or exit 1 for an environment failure; never a stack
 * trace, never a hang; a `run` keeps every frame that lies before the damage.
 *
 * The outcome counts go to out/reliability/bad-input-corpus.json; `npx tsx
 * scripts/reliability-table.ts` writes them into docs/reliability.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { buildCorpus, CORPUS_SEED, type BadInputCase } from './bad-input-corpus.js';

const root = path.resolve(import.meta.dirname, '../..');
const IN_PROCESS_TIMEOUT_MS = 30_000;
const CHILD_TIMEOUT_MS = 60_000;
/** Peak resident memory a child may reach on any case (a bomb is refused after at most a 200 MiB budget). */
const CHILD_PEAK_RSS_MB = 1024;

type Outcome = 'ok' | 'refused' | 'environment';
interface CaseRecord {
  id: string;
  category: string;
  command: string;
  code: number | null;
  outcome?: Outcome;
  frames?: number;
  ms: number;
  violation?: string;
  child?: { peakRssMb: number };
}

const corpus = buildCorpus();
const records = new Map<string, CaseRecord>();
let workDir: string;

/** Writes the case to disk; returns the path to hand the command, and the event log of a `run`. */
function materialise(c: BadInputCase): { target: string; args: string[]; log?: string } {
  const dir = path.join(workDir, c.id);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, c.name);
  if ('directory' in c.content) fs.mkdirSync(file, { recursive: true });
  else fs.writeFileSync(file, c.content);
  if (c.command !== 'run') return { target: file, args: [c.command, file] };
  const log = path.join(dir, 'events.ndjson');
  const source = /\.(dcm|zip)$/i.test(c.name) ? { type: 'dicom-cine', path: file, allowNonUltrasound: true } : { type: 'video-file', path: file };
  const pipeline = path.join(dir, 'pipeline.yaml');
  fs.writeFileSync(pipeline, JSON.stringify({ source, sinks: [{ type: 'json-log', path: log, kinds: ['frame', 'exam'] }] }));
  return { target: file, args: ['run', pipeline], log };
}

function framesIn(log: string | undefined): number | undefined {
  if (!log || !fs.existsSync(log)) return log ? 0 : undefined;
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind":"frame"')).length;
}

/** The class of an answer, or why it is not allowed. */
function judge(c: BadInputCase, target: string, code: number | null, stderr: string, frames: number | undefined): { outcome?: Outcome; violation?: string } {
  if (code === null) return { violation: 'no answer (timed out or killed)' };
  if (/^\s+at .+:\d+:\d+\)?$/m.test(stderr)) return { violation: `a stack trace on stderr: ${stderr.slice(0, 300)}` };
  if (/internal error|run with --verbose for the stack/i.test(stderr)) return { violation: `an internal error: ${stderr.slice(0, 300)}` };
  if (c.framesBeforeDamage !== undefined && frames !== undefined) {
    if (c.exactFrames ? frames !== c.framesBeforeDamage : frames < c.framesBeforeDamage) {
      return { violation: `${frames} frame(s) emitted, but ${c.framesBeforeDamage} lie before the damage` };
    }
  }
  if (code === 0) return { outcome: 'ok' };
  if (code !== 1 && code !== 2) return { violation: `exit code ${code}` };
  // One `error:` line, or (a pipeline file) the list of its problems, `✖ file:line → path: what`.
  const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
  const problems = stderr.split('\n').filter((l) => l.startsWith('✖'));
  if (errors.length > 1 || errors.length + problems.length === 0) return { violation: `${errors.length} error lines: ${stderr.slice(0, 300)}` };
  const named = problems.length > 0 ? problems : errors;
  const unnamed = named.find((l) => !l.includes(path.basename(target)));
  if (unnamed) return { violation: `the message does not name the file: ${unnamed}` };
  return { outcome: code === 2 ? 'refused' : 'environment' };
}

async function runInProcess(c: BadInputCase): Promise<CaseRecord> {
  const { target, args, log } = materialise(c);
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never };
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    main(args, io).catch(() => -1),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), IN_PROCESS_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  const frames = c.command === 'run' ? framesIn(log) : undefined;
  const verdict = judge(c, target, code, err.join(''), frames);
  return { id: c.id, category: c.category, command: c.command, code, frames, ms: Math.round(performance.now() - t0), ...verdict };
}

/** Peak resident memory of a running process so far (VmHWM), MiB. */
function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function runChild(c: BadInputCase): Promise<{ code: number | null; stderr: string; peakRssMb: number; target: string; frames?: number }> {
  const { target, args, log } = materialise(c);
  if (log) fs.rmSync(log, { force: true });
  const child = spawn(process.execPath, [path.join(root, 'bin/autodvt.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid) ?? 0)), 25);
  const kill = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearInterval(poll);
  clearTimeout(kill);
  return { code, stderr, peakRssMb: Math.round(peak), target, frames: c.command === 'run' ? framesIn(log) : undefined };
}

const categories = [...new Set(corpus.map((c) => c.category))];

describe(`the bad-input corpus (${corpus.length} cases, seed ${CORPUS_SEED})`, () => {
  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-corpus-'));
  });
  afterAll(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
    const out = path.join(root, 'out/reliability/bad-input-corpus.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ seed: CORPUS_SEED, cases: corpus.length, records: [...records.values()] }, null, 1) + '\n');
  });

  it('holds at least 300 cases, each with a unique id', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((c) => c.id)).size).toBe(corpus.length);
  });

  for (const category of categories) {
    const cases = corpus.filter((c) => c.category === category);
    it(`${category} (${cases.length}): every case exits 0, or 2 (1 for the environment) with one message naming the file, no stack trace, no hang, frames before the damage kept`, async () => {
      const violations: string[] = [];
      for (const c of cases) {
        const record = await runInProcess(c);
        records.set(c.id, record);
        if (record.violation) violations.push(`${c.id} (${c.name}, ${c.command}): ${record.violation}`);
      }
      expect(violations).toEqual([]);
    }, 240_000);
  }

  it('a sample run as bin/autodvt.js children answers the same, within the time limit and 1 GiB of peak memory', async () => {
    const sample = corpus.filter((c, i) => c.category.startsWith('Named') || i % 37 === 0);
    expect(sample.length).toBeGreaterThanOrEqual(12);
    const violations: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < sample.length) {
        const c = sample[next++]!;
        const r = await runChild(c);
        const verdict = judge(c, r.target, r.code, r.stderr, r.frames);
        const record = records.get(c.id);
        if (record) record.child = { peakRssMb: r.peakRssMb };
        if (verdict.violation) violations.push(`${c.id} (child): ${verdict.violation}`);
        else if (record?.outcome && verdict.outcome !== record.outcome) violations.push(`${c.id}: ${verdict.outcome} as a child, ${record.outcome} in-process`);
        if (r.peakRssMb > CHILD_PEAK_RSS_MB) violations.push(`${c.id}: peak memory ${r.peakRssMb} MiB`);
      }
    };
    await Promise.all([lane(), lane()]);
    expect(violations).toEqual([]);
  }, 300_000);
});
