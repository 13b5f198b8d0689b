import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/index.js';
import { openDicomFile } from '../../src/dicom/open-dicom.js';
import { labelsForFrame, readLabelsSidecar } from '../../src/labels/index.js';
import { runPipeline } from '../../src/pipeline.js';
import { writeSynthExams } from '../../src/synth/index.js';
import type { PipelineConfig } from '../../src/core/config/pipeline-schema.js';
import type { FrameEvent, PipelineEvent } from '../../src/core/events.js';
import { orthancUnavailable, startOrthanc, type Orthanc } from './orthanc-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.resolve(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
const skip = orthancUnavailable();
if (skip) console.warn(skip);

describe.skipIf(Boolean(skip))('dicomweb source against a real Orthanc', () => {
  let orthanc: Orthanc;
  let labelsDir: string;
  const uploaded: { file: string; sopInstanceUid: string; studyUid: string; seriesUid: string }[] = [];

  beforeAll(async () => {
    orthanc = await startOrthanc();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-pacs-'));
    labelsDir = path.join(dir, 'labels');
    fs.mkdirSync(labelsDir);
    const { files } = await writeSynthExams({ outDir: dir, subjects: 2, seed: 31, format: 'dicom', durationS: 1 });
    for (const file of [...files.filter((f) => f.endsWith('.dcm')), fixture]) {
      const ids = await orthanc.upload(file);
      uploaded.push({ file, ...ids });
      // Labels on a PACS live beside it, named after the SOP Instance UID.
      if (fs.existsSync(`${file}.labels.json`)) fs.copyFileSync(`${file}.labels.json`, path.join(labelsDir, `${ids.sopInstanceUid}.labels.json`));
    }
  }, 60_000);

  afterAll(async () => {
    await orthanc?.stop();
  });

  function pipeline(source: Record<string, unknown>): PipelineConfig {
    return {
      version: 1,
      seed: 1,
      flow: { policy: 'auto', queue: 4 },
      source: { type: 'dicomweb', modality: 'US', series: [], onError: 'fail', allowNonUltrasound: false, timeoutMs: 30_000, ...source },
      stages: [],
      sinks: [{ type: 'json-log', path: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-pacs-log-')), 'events.ndjson') }],
    };
  }

  it('streams phantom and vendor cine loops through QIDO-RS and WADO-RS, frame for frame as in the files, with labels', async () => {
    const events: PipelineEvent[] = [];
    await runPipeline(pipeline({ url: orthanc.dicomweb, studies: uploaded.map((u) => u.studyUid), headers: { Authorization: orthanc.auth }, labelsDir }), {
      baseDir: root,
      tap: (e) => events.push(e),
    });
    const starts = events.filter((e) => e.kind === 'exam-start');
    expect(starts.map((e) => e.examId).sort()).toEqual(uploaded.map((u) => u.sopInstanceUid).sort());
    for (const u of uploaded) {
      const frames = events.filter((e): e is FrameEvent => e.kind === 'frame' && e.source.examId === u.sopInstanceUid);
      const file = await openDicomFile(u.file);
      expect(frames).toHaveLength(file.info.frames);
      const first = await file.decodeFrame(0);
      expect(Buffer.from(frames[0]!.pixels).equals(Buffer.from(first.pixels))).toBe(true);
      expect(frames[0]!.meta.usRegion).toBeDefined();
      if (u.file === fixture) {
        expect(frames.every((f) => f.labels === undefined)).toBe(true);
      } else {
        const sidecar = await readLabelsSidecar(`${u.file}.labels.json`);
        expect(frames.map((f) => f.labels)).toEqual(frames.map((f) => labelsForFrame(sidecar, f.source.frameIndex)));
        expect(frames.some((f) => f.labels?.landmark === 'LM1' || f.labels?.landmark === 'LM2' || f.labels?.landmark === 'BG')).toBe(true);
      }
    }
    expect(events.filter((e) => e.kind === 'exam')).toHaveLength(uploaded.length);
  }, 60_000);

  it('says what to do when the server wants credentials', async () => {
    const run = runPipeline(pipeline({ url: orthanc.dicomweb, studies: [uploaded[0]!.studyUid] }), { baseDir: root });
    await expect(run).rejects.toThrow(/^http:.*HTTP 401/);
    await expect(run).rejects.toMatchObject({ scope: 'dicomweb', hint: expect.stringContaining('Authorization') });
  });

  it('runs a batch over PACS series: one result per series, none redone on rerun', async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-pacs-run-'));
    const phantoms = uploaded.filter((u) => u.file !== fixture);
    const input = `${orthanc.dicomweb}?${phantoms.map((u) => `study=${u.studyUid}`).join('&')}`;
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) } };
    const options = {
      pipelineFile: path.join(root, 'pipelines/archive.yaml'),
      inputs: [input],
      runDir,
      concurrency: 2,
      dicomwebHeaders: { Authorization: orthanc.auth },
      progressIntervalMs: 0,
      ...io,
    };
    const first = await runBatch(options);
    expect(first, out.join('')).toMatchObject({ total: phantoms.length, ok: phantoms.length, failed: 0 });
    const results = fs.readdirSync(path.join(runDir, 'exams')).map((f) => JSON.parse(fs.readFileSync(path.join(runDir, 'exams', f), 'utf8')));
    expect(results.map((r) => r.examIds[0]).sort()).toEqual(phantoms.map((u) => u.sopInstanceUid).sort());
    expect(results.every((r) => r.input.kind === 'dicomweb' && r.frames === 30 && r.verdict)).toBe(true);
    const again = await runBatch(options);
    expect(again).toMatchObject({ ran: 0, skipped: phantoms.length });
  }, 90_000);
});
