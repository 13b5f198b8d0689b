import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { textRemovalWarnings } from '../src/core/config/check-context.js';
import { describe, expect, it } from 'vitest';
import { parsePipeline, requireValid } from '../src/core/config/load-pipeline.js';
import { runPipeline } from '../src/pipeline.js';

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-pipe-'));
}

const yaml = (extra = '') => `
source:
  type: synthetic
  durationS: 1
  fps: 20
stages:
  - type: crop-pad
    size: 200
  - type: resize
    size: 50
  - type: sliding-window
    size: 4
sinks:
  - type: json-log
    path: events.ndjson
${extra}`;

describe('runPipeline', () => {
  it('runs source → stages → sinks and every sink sees every event', async () => {
    const dir = tmpDir();
    const seen: string[] = [];
    const config = requireValid(parsePipeline(yaml(), { env: {}, baseDir: dir }));
    const result = await runPipeline(config, { baseDir: dir, stdout: { write: () => 0 }, tap: (e) => seen.push(e.kind) });
    expect(result.frames).toBe(20);
    expect(seen.filter((k) => k === 'window')).toHaveLength(17);
    const lines = fs
      .readFileSync(path.join(dir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ kind: 'log-header', schema: 'autodvt.event-log', v: 1 });
    expect(lines.filter((l) => l.kind === 'frame')).toHaveLength(20);
    expect(lines.at(-1)).toMatchObject({ kind: 'exam', frames: 20 });
    expect(JSON.stringify(lines)).not.toContain('"pixels"');
  });

  it('warns when a persistent sink has no text removal upstream', async () => {
    const dir = tmpDir();
    const config = requireValid(parsePipeline(yaml(), { env: {}, baseDir: dir }));
    const result = await runPipeline(config, { baseDir: dir });
    expect(result.configWarnings[0]).toMatchObject({ path: 'sinks[0]', unitType: 'json-log', severity: 'warning' });
  });

  it('names every persistent sink, and none once a text-removal stage runs (textRemovalWarnings, also used by batch runs and enqueue)', () => {
    const sinks = [{ type: 'console' }, { type: 'json-log', path: 'a.ndjson' }, { type: 'evaluate' }, { type: 'dataset', path: 'd' }];
    const warnings = textRemovalWarnings({ stages: [{ type: 'crop-pad' }], sinks }, 'p.yaml');
    expect(warnings.map((w) => `${w.path} ${w.unitType}`)).toEqual(['sinks[1] json-log', 'sinks[3] dataset']);
    expect(warnings.every((w) => w.severity === 'warning' && w.file === 'p.yaml')).toBe(true);
    expect(textRemovalWarnings({ stages: [{ type: 'text-removal' }, { type: 'crop-pad' }], sinks })).toEqual([]);
  });

  it('ends cleanly when aborted, with every json-log line complete', async () => {
    const dir = tmpDir();
    const abort = new AbortController();
    const config = requireValid(parsePipeline(yaml().replace('durationS: 1', 'durationS: 100'), { env: {}, baseDir: dir }));
    let frames = 0;
    const result = await runPipeline(config, {
      baseDir: dir,
      signal: abort.signal,
      tap: (e) => {
        if (e.kind === 'frame' && ++frames === 30) abort.abort();
      },
    });
    expect(result.frames).toBeGreaterThanOrEqual(30);
    expect(result.frames).toBeLessThan(2000);
    const text = fs.readFileSync(path.join(dir, 'events.ndjson'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
