/** Shared by the live pipeline tests: a frame producer (ffmpeg lavfi) and the full live pipeline as YAML. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findUnit } from '../../src/registry.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const tinyModel = path.join(root, 'models/test/tiny-random.onnx');

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
      '-v', 'error',
      ...(opts.realtime ? ['-re'] : []),
      '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`,
      '-frames:v', String(opts.frames),
      '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

/** The stages of the full pipeline, with text removal and compressibility when they are registered. */
export function fullStagesYaml(window = ''): string {
  const stages: string[] = [];
  if (findUnit('stage', 'text-removal')) stages.push('  - type: text-removal');
  stages.push('  - type: crop-pad\n    size: 600', '  - type: resize\n    size: 150', `  - type: sliding-window\n    size: 9${window}`);
  stages.push(`  - type: onnx-inference\n    model: ${JSON.stringify(tinyModel)}`);
  if (findUnit('stage', 'compressibility')) stages.push('  - type: compressibility');
  return `stages:\n${stages.join('\n')}\n`;
}

export function liveYaml(opts: { size?: string; flow?: string; sinks?: string; window?: string } = {}): string {
  return [
    `source:\n  type: stdin\n  size: ${opts.size ?? '640x480'}\n  fps: 30\n  examId: live-test`,
    opts.flow ? `flow:\n${opts.flow}` : '',
    fullStagesYaml(opts.window),
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
