import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwebClient } from '../../src/dicomweb/client.js';
import { readLog, runCli, sourceToLogPipeline, tmpDir } from '../helpers/run-cli.js';
import { startFakeDicomweb, type FakeDicomweb } from './fake-dicomweb-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.resolve(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
const PASSWORD = 'pa55-w0rd-in-url';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => fs.readFileSync(path.join(d.parentPath, d.name), 'latin1'))
    .join('\n');
}

describe('DICOMweb credentials on a redirect', () => {
  let elsewhere: FakeDicomweb;
  let home: FakeDicomweb;
  let redirector: http.Server;
  let redirectorUrl: string;
  const credentials = { Authorization: 'Bearer t0ken', 'X-Api-Key': 'k3y-s3cret', Cookie: 'session=c00kie' };

  beforeAll(async () => {
    elsewhere = await startFakeDicomweb([fixture]);
    home = await startFakeDicomweb([fixture], { requireHeader: ['X-Api-Key', 'k3y-s3cret'], movedPrefix: 'moved' });
    // A server that sends every request to another origin (another port).
    redirector = http.createServer((req, res) => res.writeHead(302, { Location: `${elsewhere.url}${(req.url ?? '').replace(/^\/dicom-web/, '')}` }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/dicom-web`;
  });
  afterAll(async () => {
    await Promise.all([elsewhere.close(), home.close(), new Promise((r) => redirector.close(r))]);
  });

  it('drops every header the user gave when the server redirects to another origin', async () => {
    const client = new DicomwebClient({ url: redirectorUrl, headers: credentials });
    const studies = await client.searchStudies();
    expect(studies).toHaveLength(1); // the redirect was followed
    expect(elsewhere.requests.length).toBeGreaterThan(0);
    for (const r of elsewhere.requests) {
      expect(r.headers['x-api-key']).toBeUndefined();
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers.cookie).toBeUndefined();
    }
  });

  it('keeps the headers on a redirect within the same origin', async () => {
    const client = new DicomwebClient({ url: home.url.replace('/dicom-web', '/moved'), headers: credentials });
    expect(await client.searchStudies()).toHaveLength(1);
    expect(home.requests.map((r) => r.url)).toEqual(['/moved/studies?includefield=0020000D', '/dicom-web/studies?includefield=0020000D']);
    expect(home.requests.every((r) => r.headers['x-api-key'] === 'k3y-s3cret')).toBe(true);
  });
});

describe('DICOMweb credentials written in the URL', () => {
  let pacs: FakeDicomweb;
  let withPassword: string;
  beforeAll(async () => {
    pacs = await startFakeDicomweb([fixture], { requireHeader: ['Authorization', basic('reader', PASSWORD)] });
    withPassword = pacs.url.replace('http://', `http://reader:${PASSWORD}@`);
  });
  afterAll(() => pacs.close());

  it('are sent as Basic authorization, and an unreachable server is named without them', async () => {
    expect(await new DicomwebClient({ url: withPassword }).searchStudies()).toHaveLength(1);
    const err = await new DicomwebClient({ url: `http://reader:${PASSWORD}@127.0.0.1:9/dicom-web`, timeoutMs: 2000 }).searchStudies().catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('cannot reach http://127.0.0.1:9/dicom-web/studies');
    expect(String((err as Error).message) + String((err as { hint?: string }).hint)).not.toContain(PASSWORD);
  });

  it('never reach the events of the dicomweb source', async () => {
    const { file, log } = sourceToLogPipeline({ type: 'dicomweb', url: withPassword });
    const r = await runCli('run', file);
    expect(r.code, r.stderr).toBe(0);
    const events = readLog(log);
    expect(events.filter((e) => e.kind === 'frame')).toHaveLength(30);
    expect(fs.readFileSync(log, 'latin1')).not.toContain(PASSWORD);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  }, 60_000);

  it('never reach a batch run directory, its output or an input error', async () => {
    const runDir = path.join(tmpDir('autodvt-dicomweb-creds-'), 'run');
    const r = await runCli(
      'run',
      path.join(root, 'pipelines/archive.yaml'),
      '--input',
      `${withPassword}?modality=US`,
      '--run-dir',
      runDir,
      '--progress-interval',
      '0',
    );
    expect(r.code, r.stderr).toBe(0);
    const results = fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.json'));
    expect(results).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'exams', results[0]!), 'utf8')).status).toBe('ok');
    expect(allText(runDir)).not.toContain(PASSWORD);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);

    const bad = await runCli('run', path.join(root, 'pipelines/archive.yaml'), '--input', `${withPassword}?colour=blue`, '--run-dir', runDir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown query key "colour"');
    expect(bad.stderr).not.toContain(PASSWORD);
  }, 120_000);

  it('never reach the run directory when runBatch is called directly with them in the URL', async () => {
    const { runBatch } = await import('../../src/batch/index.js');
    const runDir = path.join(tmpDir('autodvt-dicomweb-api-'), 'run');
    const out: string[] = [];
    const summary = await runBatch({
      pipelineFile: path.join(root, 'pipelines/archive.yaml'),
      inputs: [`${withPassword}?modality=US`],
      runDir,
      progressIntervalMs: 0,
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => out.push(s) },
    });
    expect(summary.failed).toBe(0);
    expect(allText(runDir)).not.toContain(PASSWORD);
    expect(out.join('')).not.toContain(PASSWORD);
  }, 120_000);

  it('a --header value may name an environment variable, as for enqueue', async () => {
    const runDir = path.join(tmpDir('autodvt-dicomweb-env-'), 'run');
    process.env.AUTODVT_TEST_PACS_BASIC = Buffer.from(`reader:${PASSWORD}`).toString('base64');
    try {
      const r = await runCli(
        'run',
        path.join(root, 'pipelines/archive.yaml'),
        '--input',
        pacs.url,
        '--header',
        'Authorization: Basic ${AUTODVT_TEST_PACS_BASIC}',
        '--run-dir',
        runDir,
        '--progress-interval',
        '0',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(fs.readdirSync(path.join(runDir, 'exams')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    } finally {
      delete process.env.AUTODVT_TEST_PACS_BASIC;
    }
  }, 120_000);

  it('a --header without a name is refused without echoing it', async () => {
    const r = await runCli('run', path.join(root, 'pipelines/archive.yaml'), '--input', pacs.url, '--header', `Bearer${PASSWORD}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--header number 1: expected "Name: value"');
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
