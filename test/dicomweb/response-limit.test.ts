/**
 * A DICOMweb answer larger than the limit is refused before it fills memory: by its
 * Content-Length when the server sends one, and while it streams when it does not (a
 * chunked answer that never ends). The process's memory stays far below the answer's size.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwebClient } from '../../src/dicomweb/client.js';

const MiB = 1024 * 1024;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url?.includes('/declared')) {
      res.writeHead(200, { 'content-type': 'application/dicom', 'content-length': String(700 * MiB) });
      res.write(Buffer.alloc(64 * 1024)); // starts, never finishes: the declared size alone refuses it
      return;
    }
    // Chunked, no length: 1 MiB chunks until the client stops reading.
    res.writeHead(200, { 'content-type': 'application/dicom' });
    const chunk = Buffer.alloc(MiB, 7);
    const pump = () => {
      while (res.write(chunk)) if (res.destroyed) return;
      res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const ref = (uid: string) => ({ studyUid: '1', seriesUid: '2', sopInstanceUid: uid });

describe('DICOMweb answer size limit', () => {
  it('refuses an answer whose Content-Length is over the limit, naming the URL and the limit', async () => {
    const client = new DicomwebClient({ url: base, maxResponseBytes: 16 * MiB });
    await expect(client.retrieveInstance(ref('declared'))).rejects.toThrow(/instances\/declared: the answer is 700 MiB, more than the limit of 16 MiB/);
  });

  it('stops reading a chunked answer at the limit, with memory far below what the server would send', async () => {
    const client = new DicomwebClient({ url: base, maxResponseBytes: 32 * MiB });
    const before = process.memoryUsage().rss;
    await expect(client.retrieveInstance(ref('endless'))).rejects.toThrow(/more than the limit of 32 MiB/);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * MiB);
  }, 60_000);
});
