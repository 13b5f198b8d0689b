/** Shared by the live pipeline tests: a frame producer (ffmpeg lavfi) and the full live pipeline as YAML. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findUnit } from '../../src/core/registry.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const tinyModel = path.join(root, 'models/test/tiny-random.onnx');
/** The shipped model: about 4.6 ms per window on one thread, where the tiny one takes a fraction. */
export const shippedModel = path.join(root, 'models/autodvt.onnx');

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-live-'));
}

/** ffmpeg writing `frames` raw gray frames of a moving test picture to its stdout, at `fps` in real time or as fast as it can. */
export function produceFrames(opts: { frames: number; size?: string; fps?: number; realtime: boolean }): ChildProcess {
  const size = opts.size ?? '640x480';
  const fps = opts.fps ?? 30;
  return spawn(
    'ffmpeg',
    [
      '-v',
      'error',
      ...(opts.realtime ? ['-re'] : []),
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${size}:rate=${fps}`,
      '-frames:v',
      String(opts.frames),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

/**
 * Raw gray frames written into `into` at `fps` by timers in this process, cycling through
 * 30 frames of ffmpeg's test picture rendered once beforehand: unlike a live ffmpeg
 * producer, this costs next to no CPU, so the frame rate holds while the pipeline is busy
 * (on 2 cores a producer that renders every frame slows down with the pipeline, which then
 * never falls behind). Ends the stream after `frames` frames.
 */
export function pushFrames(into: Writable, opts: { frames: number; fps: number; size?: string }): void {
  const size = opts.size ?? '640x480';
  const [w, h] = size.split('x').map(Number) as [number, number];
  const rendered = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-frames:v', '30', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (rendered.status !== 0) throw new Error(`ffmpeg could not render the test picture: ${rendered.stderr}`);
  const bytes = w * h;
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(opts.frames, Math.floor(((performance.now() - start) / 1000) * opts.fps) + 1);
    for (; sent < due; sent++) into.write(rendered.stdout.subarray((sent % 30) * bytes, ((sent % 30) + 1) * bytes));
    if (sent >= opts.frames) {
      clearInterval(timer);
      into.end();
    }
  }, 2);
}

/** The stages of the full pipeline, with text removal and compressibility when they are registered. */
export function fullStagesYaml(window = '', model = `model: ${JSON.stringify(tinyModel)}`): string {
  const stages: string[] = [];
  if (findUnit('stage', 'text-removal')) stages.push('  - type: text-removal');
  stages.push('  - type: crop-pad\n    size: 600', '  - type: resize\n    size: 150', `  - type: sliding-window\n    size: 9${window}`);
  stages.push(`  - type: onnx-inference\n    ${model}`);
  if (findUnit('stage', 'compressibility')) stages.push('  - type: compressibility');
  return `stages:\n${stages.join('\n')}\n`;
}

export function liveYaml(opts: { size?: string; flow?: string; sinks?: string; window?: string; model?: string } = {}): string {
  return [
    `source:\n  type: stdin\n  size: ${opts.size ?? '640x480'}\n  fps: 30\n  examId: live-test`,
    opts.flow ? `flow:\n${opts.flow}` : '',
    fullStagesYaml(opts.window, opts.model),
    opts.sinks ?? 'sinks:\n  - type: json-log\n    path: events.ndjson',
  ].join('\n');
}

export function readLog(file: string): Record<string, any>[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}
