import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPhantomExam } from '../../src/phantom/index.js';
import { subjectSeed, writeSynthExams } from '../../src/synth/index.js';

describe('writeSynthExams imaging', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('writes the scanner look when asked, with the labels sidecar of the classic look', async () => {
    const write = async (imaging: 'classic' | 'scanner'): Promise<{ pixels: Buffer; sidecar: unknown }> => {
      const dir = mkdtempSync(join(tmpdir(), `autodvt-synth-${imaging}-`));
      dirs.push(dir);
      const { exams } = await writeSynthExams({
        outDir: dir,
        subjects: 1,
        seed: 5,
        durationS: 0.4,
        width: 320,
        height: 240,
        format: 'dicom',
        dicomSyntax: 'uncompressed',
        imaging,
      });
      const file = exams[0]!.media[0]!;
      const sidecar = JSON.parse(readFileSync(`${file}.labels.json`, 'utf8')) as Record<string, unknown>;
      return { pixels: readFileSync(file), sidecar };
    };
    const classic = await write('classic');
    const scanner = await write('scanner');
    // Same per-frame labels, visits and verdict; the pixel spacing and the depth-scale text
    // differ (the scanner look draws its own imaging depth).
    const pickLabels = (sc: unknown): unknown => {
      const { segments, visits, verdict, frameCount, usRegion } = sc as Record<string, unknown>;
      return { segments, visits, verdict, frameCount, usRegion };
    };
    expect(pickLabels(scanner.sidecar)).toEqual(pickLabels(classic.sidecar));
    expect(scanner.pixels.equals(classic.pixels)).toBe(false);
    // The file holds the scanner look's frames: frame 0 of the exam appears in it byte for byte.
    const frame0 = createPhantomExam({ seed: subjectSeed(5, 0), durationS: 0.4, width: 320, height: 240, imaging: 'scanner' }).frame(0).pixels;
    expect(scanner.pixels.indexOf(Buffer.from(frame0))).toBeGreaterThan(0);
  }, 60_000);
});
