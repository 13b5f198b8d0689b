import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDicomFile } from '../../src/dicom/open-dicom.js';
import { fixture } from './fixtures.js';

const dcmcjpls = spawnSync('dcmcjpls', ['--version'], { encoding: 'utf8' });
const hasDcmcjpls = !dcmcjpls.error;
const work = mkdtempSync(path.join(tmpdir(), 'autodvt-jpeg-ls-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function encodeJpegLs(source: string, extraArgs: string[] = []): string {
  const out = path.join(work, path.basename(source).replace(/\.dcm$/, '.jls.dcm'));
  const run = spawnSync('dcmcjpls', [...extraArgs, source, out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`dcmcjpls failed: ${run.stderr}`);
  return out;
}

const skipNote = hasDcmcjpls ? '' : ' (skipped: dcmcjpls not found; apt-get install dcmtk)';

describe('JPEG-LS frames made with dcmtk dcmcjpls', () => {
  for (const file of ['us_philips_epiq5g_mono_uncompressed_phi.dcm', 'us_ge_logiq700_rgb_uncompressed.dcm']) {
    it.skipIf(!hasDcmcjpls)(`decodes ${file} re-encoded as JPEG-LS lossless exactly like the original${skipNote}`, async () => {
      const original = await openDicomFile(fixture(file));
      const encoded = await openDicomFile(encodeJpegLs(fixture(file)));
      expect(encoded.info.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.80');
      const a = await original.decodeFrame(0);
      const b = await encoded.decodeFrame(0);
      expect([b.width, b.height]).toEqual([a.width, a.height]);
      expect(b.pixels).toEqual(a.pixels);
    });
  }
});
