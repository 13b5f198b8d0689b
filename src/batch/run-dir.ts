/**
 * The run directory: what a batch run has done, on disk, so a rerun (or another
 * worker) can pick up where it stopped.
 *
 *   run.json               the run: pipeline, hashes, models, inputs, when
 *   exams/<key>.json       one result per finished exam (written atomically)
 *   exams/<key>.running    marker while an exam runs; left behind = a partial exam
 *   exams/<key>/           what the pipeline's own sinks wrote for the exam (exam-sinks.ts)
 *   results.csv            the run table, one row per exam of the input
 *   results.jsonl          the same exams, one full result per line
 *   evaluation.json / .md  P/R/F1 across the run, when the exams have labels
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeStaleTemps, writeFileAtomic } from './atomic-write.js';
import { RESULT_VERSION, type ExamResult } from './exam-result.js';

export class RunDir {
  readonly examsDir: string;

  constructor(readonly dir: string) {
    this.examsDir = path.join(dir, 'exams');
  }

  /** Create the folders; clear temporary files a killed run left (never a finished result). */
  init(): void {
    fs.mkdirSync(this.examsDir, { recursive: true });
    removeStaleTemps(this.examsDir);
    removeStaleTemps(this.dir);
  }

  resultPath(key: string): string {
    return path.join(this.examsDir, `${key}.json`);
  }

  markerPath(key: string): string {
    return path.join(this.examsDir, `${key}.running`);
  }

  /** The exam's folder for its sinks' outputs. */
  outputDir(key: string): string {
    return path.join(this.examsDir, key);
  }

  /** Remove what an earlier, unfinished run of the exam left in its outputs folder. */
  async clearOutputs(key: string): Promise<void> {
    await fs.promises.rm(this.outputDir(key), { recursive: true, force: true });
  }

  /** The stored result, or undefined when there is none (or it is unreadable: then it is redone). */
  readResult(key: string): ExamResult | undefined {
    try {
      const result = JSON.parse(fs.readFileSync(this.resultPath(key), 'utf8')) as ExamResult;
      return result.version === RESULT_VERSION && result.key === key ? result : undefined;
    } catch {
      return undefined;
    }
  }

  /** An exam that started and left no result (killed, crashed, interrupted). */
  wasPartial(key: string): boolean {
    return fs.existsSync(this.markerPath(key));
  }

  async markRunning(key: string, worker = `${os.hostname()}:${process.pid}`): Promise<void> {
    await fs.promises.writeFile(this.markerPath(key), JSON.stringify({ worker, since: new Date().toISOString() }) + '\n');
  }

  async clearRunning(key: string): Promise<void> {
    await fs.promises.rm(this.markerPath(key), { force: true });
  }

  async writeResult(result: ExamResult): Promise<void> {
    await writeFileAtomic(this.resultPath(result.key), JSON.stringify(result, null, 2) + '\n');
    await this.clearRunning(result.key);
  }

  async writeFile(name: string, data: string): Promise<void> {
    await writeFileAtomic(path.join(this.dir, name), data);
  }
}
