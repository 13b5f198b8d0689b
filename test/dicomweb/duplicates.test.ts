import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLog, runCli, sourceToLogPipeline, tmpDir } from '../helpers/run-cli.js';
import { startFakeDicomweb, type FakeDicomweb } from './fake-dicomweb-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.resolve(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
const PATIENTS = ['PATIENT-ID-ONE', 'PATIENT-ID-TWO'];

describe('a PACS that lists one series twice (one study under two patient ids)', () => {
  let pacs: FakeDicomweb;
  beforeAll(async () => {
    pacs = await startFakeDicomweb([fixture], { listedUnderPatientIds: PATIENTS });
  });
  afterAll(() => pacs.close());

  it('the dicomweb source reads each instance once and warns what it merged, naming no patient', async () => {
    const { file, log } = sourceToLogPipeline({ type: 'dicomweb', url: pacs.url });
    const r = await runCli('run', file);
    expect(r.code, r.stderr).toBe(0);
    const events = readLog(log);
    expect(events.filter((e) => e.kind === 'exam-start')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'frame')).toHaveLength(30);
    const warnings = events.filter((e) => e.kind === 'warning').map((e) => e.message as string);
    expect(warnings).toContainEqual(expect.stringMatching(/listed 1 study more than once/));
    expect(warnings).toContainEqual(expect.stringMatching(/listed 1 series more than once in study /));
    expect(warnings).toContainEqual(expect.stringMatching(/listed 1 instance more than once in series /));
    const text = fs.readFileSync(log, 'utf8') + r.stdout + r.stderr;
    for (const id of PATIENTS) expect(text).not.toContain(id);
  }, 60_000);

  it('a batch run over the PACS URL runs the series once instead of refusing the run', async () => {
    const runDir = path.join(tmpDir('autodvt-pacs-dup-'), 'run');
    const r = await runCli(
      'run',
      path.join(root, 'pipelines/archive.yaml'),
      '--input',
      `${pacs.url}?modality=US`,
      '--run-dir',
      runDir,
      '--progress-interval',
      '0',
    );
    expect(r.code, r.stderr).toBe(0);
    const results = fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.json'));
    expect(results).toHaveLength(1);
    const result = JSON.parse(fs.readFileSync(path.join(runDir, 'exams', results[0]!), 'utf8'));
    expect(result.status).toBe('ok');
    expect(result.frames).toBe(30);
    expect(JSON.stringify(result)).not.toContain('PATIENT-ID');
  }, 120_000);

  it('two selections of one server naming the same series run it once', async () => {
    const runDir = path.join(tmpDir('autodvt-pacs-dup2-'), 'run');
    const r = await runCli(
      'run',
      path.join(root, 'pipelines/archive.yaml'),
      '--input',
      `${pacs.url}?modality=US`,
      '--input',
      `${pacs.url}?modality=`,
      '--run-dir',
      runDir,
      '--progress-interval',
      '0',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  }, 120_000);

  it('the same series from two servers is refused with a hint that fits URLs', async () => {
    const other = await startFakeDicomweb([fixture]);
    try {
      const r = await runCli(
        'run',
        path.join(root, 'pipelines/archive.yaml'),
        '--input',
        pacs.url,
        '--input',
        other.url,
        '--run-dir',
        path.join(tmpDir(), 'run'),
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('two exams have the id');
      expect(r.stderr).toContain('hint: a DICOMweb exam id is <study UID>_<series UID>');
      expect(r.stderr).not.toContain('folder');
    } finally {
      await other.close();
    }
  });
});
