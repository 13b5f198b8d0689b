import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESULT_VERSION, type ExamResult } from '../../src/batch/exam-result.js';
import { inputHash } from '../../src/batch/hashes.js';
import { processExam } from '../../src/batch/process-exam.js';
import { RunDir } from '../../src/batch/run-dir.js';
import type { PreparedPipeline } from '../../src/batch/prepare.js';

describe('processExam', () => {
  it('removes a stale running marker beside a whole result (killed between the rename and the cleanup)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-stale-'));
    const media = path.join(dir, 'a.dcm');
    fs.writeFileSync(media, 'not really dicom');
    const runDir = new RunDir(path.join(dir, 'run'));
    fs.mkdirSync(path.join(runDir.dir, 'exams'), { recursive: true });
    const exam = { kind: 'file' as const, key: 'a.dcm', file: media };
    const hashes = { input: await inputHash(exam), model: 'm'.repeat(12), pipeline: 'p'.repeat(16) };
    const result = {
      version: RESULT_VERSION,
      key: exam.key,
      status: 'failed',
      hashes,
      error: { message: 'not DICOM', category: 'input' },
    } as unknown as ExamResult;
    await runDir.writeResult(result);
    await runDir.markRunning(exam.key);
    expect(runDir.wasPartial(exam.key)).toBe(true);
    const pipeline = { modelHash: hashes.model, pipelineHash: hashes.pipeline } as unknown as PreparedPipeline;
    const out = await processExam(exam, { pipeline, runDir, linksDir: dir, concurrency: 1 });
    expect(out.status).toBe('skipped');
    expect(runDir.wasPartial(exam.key)).toBe(false);
  });
});
