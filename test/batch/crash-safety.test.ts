/**
 * Crash safety of batch runs: a run killed with SIGKILL at several points (before any
 * exam, in the middle of an exam, between exams) and resumed ends with the same results
 * and the same per-exam event logs as a run never interrupted, and no NDJSON or JSONL
 * file anywhere in the run directory ever holds a cut line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExamResult } from '../../src/batch/index.js';
import { phantomExamFolder } from './phantom-exams.js';

const root = path.resolve(import.meta.dirname, '../..');

/** archive.yaml's stages, with a per-exam NDJSON event log as the sink. */
function pipelineFile(dir: string): string {
  const file = path.join(dir, 'crash.yaml');
  const archive = fs.readFileSync(path.join(root, 'pipelines/archive.yaml'), 'utf8');
  const stages = archive.slice(archive.indexOf('stages:'), archive.indexOf('sinks:'));
  fs.writeFileSync(
    file,
    `source:\n  type: dicom-cine\n  path: unused.dcm\n${stages.replace(/^ {4}providers: \[cpu\]\n/m, `    providers: [cpu]\n    model: ${path.join(root, 'models/autodvt.onnx')}\n`)}` +
      'sinks:\n  - type: json-log\n    path: events.ndjson\n    kinds: [exam-start, frame, prediction, state, verdict, exam]\n',
  );
  return file;
}

function startRun(pipeline: string, input: string, runDir: string) {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/autodvt.js'), 'run', pipeline, '--input', input, '--run-dir', runDir, '--progress-interval', '0.5'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

async function waitFor(cond: () => boolean, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const files = (runDir: string, ext: string) =>
  fs.existsSync(path.join(runDir, 'exams')) ? fs.readdirSync(path.join(runDir, 'exams')).filter((n) => n.endsWith(ext)) : [];

/** Every NDJSON / JSONL file under `dir`: each line whole JSON, the file ending with a newline. */
function assertNoCutLine(dir: string): number {
  let checked = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ndjson|jsonl)$/.test(entry.name)) continue;
    const text = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    if (text === '') continue;
    expect(text.endsWith('\n'), `${entry.name} ends inside a line`).toBe(true);
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line), `${entry.name}: ${line.slice(0, 80)}`).not.toThrow();
    checked++;
  }
  return checked;
}

/** What must not depend on when or how often the run was interrupted: no clocks, numbers to 4 decimals. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (typeof value === 'number') return Math.round(value * 1e4) / 1e4;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !/^(timing|captureTimeMs|latencyMs|inferenceMs|wallMs|startedAt|finishedAt|worker|batchSize|queueMs)$/.test(k))
        .map(([k, v]) => [k, stable(v)]),
    );
  }
  return value;
}

function outcome(runDir: string) {
  const out: Record<string, unknown> = {};
  for (const name of files(runDir, '.json')) {
    const key = name.slice(0, -'.json'.length);
    const result = JSON.parse(fs.readFileSync(path.join(runDir, 'exams', name), 'utf8')) as ExamResult;
    const log = path.join(runDir, 'exams', key, 'events.ndjson');
    const events = fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];
    out[key] = stable({ result, events });
  }
  return out;
}

describe('batch run crash safety', () => {
  let input: string;
  let pipeline: string;
  beforeAll(async () => {
    input = (await phantomExamFolder({ subjects: 3, durationS: 1, format: 'dicom', corrupt: ['phantom-5-s002.dcm'] })).dir;
    pipeline = pipelineFile(fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-crash-')));
  }, 60_000);

  it('killed with SIGKILL before any exam, in the middle of one and between two, then resumed: the same results and event logs as a run never interrupted', async () => {
    const reference = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-ref-'));
    const whole = await startRun(pipeline, input, reference).done;
    expect(whole.code, whole.stderr).toBe(0);
    const expected = outcome(reference);
    expect(Object.keys(expected)).toHaveLength(3);

    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-killed-'));
    const kills: { when: string; trigger: () => boolean }[] = [
      { when: 'before any exam', trigger: () => fs.existsSync(path.join(runDir, 'run.json')) },
      {
        when: 'in the middle of an exam',
        trigger: () => files(runDir, '.running').some((m) => fs.existsSync(path.join(runDir, 'exams', m.replace(/\.running$/, ''), 'events.ndjson'))),
      },
      { when: 'between exams', trigger: () => files(runDir, '.json').length >= 1 && files(runDir, '.running').length >= 1 },
    ];
    for (const kill of kills) {
      const run = startRun(pipeline, input, runDir);
      await waitFor(kill.trigger);
      run.child.kill('SIGKILL');
      const r = await run.done;
      expect(r.signal, `killed ${kill.when}: ${r.stderr}`).toBe('SIGKILL');
      assertNoCutLine(runDir);
    }
    const last = await startRun(pipeline, input, runDir).done;
    expect(last.code, last.stderr).toBe(0);

    expect(outcome(runDir)).toEqual(expected);
    expect(assertNoCutLine(runDir)).toBeGreaterThanOrEqual(4); // three event logs and results.jsonl
    expect(fs.readFileSync(path.join(runDir, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  }, 400_000);
});
