/**
 * A stand-in DICOMweb server for tests that need no real PACS (the unit conformance
 * suite, header and error handling): QIDO-RS studies / series / instances and
 * WADO-RS instance retrieval over the given DICOM files. The real-server tests run
 * against Orthanc (orthanc.test.ts).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readDataset } from '../../src/dicom/read-dataset.js';

interface Instance {
  study: string;
  series: string;
  sop: string;
  sopClass: string;
  frames: number;
  bytes: Buffer;
}

export interface FakeDicomweb {
  url: string;
  requests: { url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export interface FakeDicomwebOptions {
  /** Answer 401 unless this header has this value. */
  requireHeader?: [string, string];
  /** Requests under `/<movedPrefix>/...` get a 307 to the same path under `/dicom-web` (same origin). */
  movedPrefix?: string;
  /**
   * List every study, series and instance once per patient id given (as a PACS does when
   * one study was stored under two patient ids): QIDO answers repeat each entry.
   */
  listedUnderPatientIds?: string[];
}

export async function startFakeDicomweb(files: string[], opts: FakeDicomwebOptions = {}): Promise<FakeDicomweb> {
  const instances: Instance[] = files.map((file) => {
    const bytes = fs.readFileSync(file);
    const { dataSet: ds } = readDataset(new Uint8Array(bytes), file);
    return {
      study: ds.string('x0020000d') ?? '',
      series: ds.string('x0020000e') ?? '',
      sop: ds.string('x00080018') ?? '',
      sopClass: ds.string('x00080016') ?? '',
      frames: Number(ds.string('x00280008') ?? 1),
      bytes,
    };
  });
  const requests: FakeDicomweb['requests'] = [];
  const ui = (v: string) => ({ vr: 'UI', Value: [v] });
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    if (opts.movedPrefix && req.url?.startsWith(`/${opts.movedPrefix}/`)) {
      res.writeHead(307, { Location: `/dicom-web/${req.url.slice(opts.movedPrefix.length + 2)}` }).end();
      return;
    }
    const [name, value] = opts.requireHeader ?? [];
    if (name && req.headers[name.toLowerCase()] !== value) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).slice(1); // after /dicom-web
    const patients = opts.listedUnderPatientIds ?? [undefined];
    const json = (items: Record<string, unknown>[]) =>
      res
        .writeHead(200, { 'Content-Type': 'application/dicom+json' })
        .end(JSON.stringify(patients.flatMap((p) => items.map((item) => (p ? { ...item, '00100020': { vr: 'LO', Value: [p] } } : item)))));
    const uniq = <T>(xs: T[]) => [...new Set(xs)];
    if (parts[0] !== 'studies') return void res.writeHead(404).end();
    if (parts.length === 1) {
      const modality = url.searchParams.get('ModalitiesInStudy');
      const studies = modality && modality !== 'US' ? [] : uniq(instances.map((i) => i.study));
      return json(studies.map((s) => ({ '0020000D': ui(s) })));
    }
    const inStudy = instances.filter((i) => i.study === parts[1]);
    if (parts.length === 3 && parts[2] === 'series')
      return json(uniq(inStudy.map((i) => i.series)).map((s) => ({ '0020000E': ui(s), '00080060': { vr: 'CS', Value: ['US'] } })));
    const inSeries = inStudy.filter((i) => i.series === parts[3]);
    if (parts.length === 5 && parts[4] === 'instances') {
      return json(inSeries.map((i) => ({ '00080018': ui(i.sop), '00080016': ui(i.sopClass), '00280008': { vr: 'IS', Value: [i.frames] } })));
    }
    const inst = inSeries.find((i) => i.sop === parts[5]);
    if (!inst) return void res.writeHead(404).end();
    const boundary = 'fake-boundary-1234';
    res.writeHead(200, { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` });
    res.end(Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), inst.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dicom-web`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
