import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwebClient } from '../../src/dicomweb/client.js';
import { parseMultipart } from '../../src/dicomweb/multipart.js';
import { selectSeries } from '../../src/dicomweb/select-series.js';
import { startFakeDicomweb, type FakeDicomweb } from './fake-dicomweb-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.resolve(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('multipart/related', () => {
  it('splits parts by boundary, with or without Content-Length, quoted boundary or not', () => {
    const body = bytes(
      'preamble\r\n--b1\r\nContent-Type: application/dicom\r\nContent-Length: 5\r\n\r\nDICM1\r\n--b1\r\nContent-Type: application/dicom\r\n\r\nab\r\n--cd\r\n--b1--\r\n',
    );
    const parts = parseMultipart(body, 'multipart/related; type="application/dicom"; boundary="b1"');
    expect(parts.map((p) => text(p.body))).toEqual(['DICM1', 'ab\r\n--cd']);
    expect(parts[0]!.headers['content-type']).toBe('application/dicom');
    expect(parseMultipart(body, 'multipart/related; boundary=b1')).toHaveLength(2);
  });

  it('says so when a response is truncated inside a part', () => {
    expect(() => parseMultipart(bytes('--b\r\nContent-Type: application/dicom\r\n\r\nDIC'), 'multipart/related; boundary=b')).toThrow('truncated');
    expect(() => parseMultipart(bytes('x'), 'application/json')).toThrow('not multipart');
  });
});

describe('DICOMweb client', () => {
  let pacs: FakeDicomweb;
  beforeAll(async () => {
    pacs = await startFakeDicomweb([fixture], { requireHeader: ['Authorization', 'Bearer t0ken'] });
  });
  afterAll(() => pacs.close());

  it('sends the auth header on every request and retrieves the stored instance byte for byte', async () => {
    const client = new DicomwebClient({ url: pacs.url, headers: { Authorization: 'Bearer t0ken' } });
    const series = await selectSeries(client, { modality: 'US' });
    expect(series).toHaveLength(1);
    const [instance] = await client.searchInstances(series[0]!.studyUid, series[0]!.seriesUid);
    expect(instance!.frames).toBe(30);
    const dicom = await client.retrieveInstance(instance!);
    const { readFileSync } = await import('node:fs');
    expect(Buffer.from(dicom).equals(readFileSync(fixture))).toBe(true);
    expect(pacs.requests.every((r) => r.headers.authorization === 'Bearer t0ken')).toBe(true);
    expect(pacs.requests.at(-1)!.headers.accept).toContain('multipart/related; type="application/dicom"');
  });

  it('turns 401 into an input error with a hint, and an unreachable server into a clear message', async () => {
    await expect(new DicomwebClient({ url: pacs.url }).searchStudies()).rejects.toMatchObject({
      category: 'input',
      hint: expect.stringContaining('Authorization'),
    });
    await expect(new DicomwebClient({ url: 'http://127.0.0.1:9/dicom-web', timeoutMs: 2000 }).searchStudies()).rejects.toThrow(
      'cannot reach http://127.0.0.1:9/dicom-web/studies',
    );
  });
});
