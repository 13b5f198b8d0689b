/**
 * The bench's input: one phantom exam written as an mp4 and as a JPEG baseline DICOM
 * cine (the two archived-exam cases: exported video, and what ultrasound archives hold),
 * cached in the temp folder by seed and length so repeated benches reuse them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchInputs {
  mp4: string;
  dicom: string;
}

export async function benchInputs(seed: number, durationS: number): Promise<BenchInputs> {
  const dir = path.join(os.tmpdir(), `autodvt-bench-${seed}-${durationS}s`);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const mp4 = files.find((f) => f.endsWith('.mp4'));
  const dicom = files.find((f) => f.endsWith('.dcm'));
  if (mp4 && dicom && files.includes(`${mp4}.labels.json`) && files.includes(`${dicom}.labels.json`)) {
    return { mp4: path.join(dir, mp4), dicom: path.join(dir, dicom) };
  }
  const { writeSynthExams } = await import('../synth/index.js');
  const { exams } = await writeSynthExams({ outDir: dir, subjects: 1, seed, format: 'both', dicomSyntax: 'jpeg', durationS });
  const media = exams[0]!.media;
  return { mp4: media.find((m) => m.endsWith('.mp4'))!, dicom: media.find((m) => m.endsWith('.dcm'))! };
}
