/**
 * The bench's input: one phantom exam written as an mp4 (the archived-exam case),
 * cached in the temp folder by seed and length so repeated benches reuse it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function benchClip(seed: number, durationS: number): Promise<string> {
  const dir = path.join(os.tmpdir(), `autodvt-bench-${seed}-${durationS}s`);
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith('.mp4')) : undefined;
  if (existing && fs.existsSync(path.join(dir, `${existing}.labels.json`))) return path.join(dir, existing);
  const { writeSynthExams } = await import('../synth/index.js');
  const { exams } = await writeSynthExams({ outDir: dir, subjects: 1, seed, format: 'mp4', durationS });
  return exams[0]!.media[0]!;
}
