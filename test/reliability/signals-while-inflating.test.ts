/**
 * Signals are answered at once whatever the input is doing: SIGTERM sent to a run
 * (a batch run, or a single pipeline run) while it inflates a decompression bomb (a
 * 1 GiB zip, a 1 GiB deflated dataset) is acknowledged within a second, and the run
 * stops with exit code 130.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deflatedDatasetBomb, zipBomb } from './bad-inputs.js';

const root = path.resolve(import.meta.dirname, '../..');

function residentMb(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

describe.skipIf(!fs.existsSync('/proc/self/status'))('signals while a bomb inflates', () => {
  for (const [name, make, mode] of [
    ['bomb.zip', () => zipBomb('cine.dcm', 1024 ** 3), 'batch'],
    ['bomb.dcm', () => deflatedDatasetBomb(1024 ** 3), 'batch'],
    ['bomb.dcm', () => deflatedDatasetBomb(1024 ** 3), 'single'],
  ] as const) {
    it(`answers SIGTERM within a second while a ${mode} run inflates ${name}, and exits 130`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-signal-'));
      fs.mkdirSync(path.join(dir, 'exams'));
      fs.writeFileSync(path.join(dir, 'exams', name), make());
      const single = path.join(dir, 'single.yaml');
      fs.writeFileSync(single, `source:\n  type: dicom-cine\n  path: exams/${name}\nsinks:\n  - type: json-log\n    path: events.ndjson\n`);
      const args =
        mode === 'batch'
          ? ['run', path.join(root, 'pipelines/archive.yaml'), '--input', path.join(dir, 'exams'), '--run-dir', path.join(dir, 'run')]
          : ['run', single];
      const child = spawn(process.execPath, [path.join(root, 'bin/autodvt.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let answeredAt: number | undefined;
      child.stderr.on('data', (d) => {
        stderr += d;
        if (answeredAt === undefined && stderr.includes('SIGTERM: stopping')) answeredAt = performance.now();
      });
      const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('close', (code) => resolve({ code, at: performance.now() })));
      // Inflation is under way once the process holds 320 MiB: a whole batch run of a good exam peaks near 200.
      const until = Date.now() + 60_000;
      while (residentMb(child.pid) < 320 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      expect(residentMb(child.pid), 'the bomb never started inflating').toBeGreaterThanOrEqual(320);
      const sentAt = performance.now();
      child.kill('SIGTERM');
      const { code, at } = await exited;
      expect(answeredAt, stderr).toBeDefined();
      expect(answeredAt! - sentAt).toBeLessThan(1000);
      expect(code, stderr).toBe(130);
      expect(at - sentAt).toBeLessThan(5000);
      expect(stderr).not.toMatch(/^\s+at /m);
    }, 90_000);
  }
});
