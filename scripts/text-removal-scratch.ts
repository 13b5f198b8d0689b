import { firstValueFrom, from, toArray } from 'rxjs';
import { PNG } from 'pngjs';
import fs from 'node:fs';
import type { FrameEvent, PipelineEvent } from '../src/events.js';
import { createPhantomExam } from '../src/phantom/index.js';
import { textRemovalStage } from '../src/stages/text-removal/index.js';
import { checker, wordsIn } from './text-removal-ocr-check.js';
function save(p: string, w: number, h: number, px: Uint8Array) {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) { png.data[4*i]=png.data[4*i+1]=png.data[4*i+2]=px[i]!; png.data[4*i+3]=255; }
  fs.writeFileSync(p, PNG.sync.write(png));
}
const ctx: any = { live: false, warn: (m: string) => console.error('warning:', m), baseDir: process.cwd() };
const exam = createPhantomExam({ seed: 1 });
const inputs: FrameEvent[] = [];
for (let i = 0; i < 20; i++) { const f = exam.frame(i); inputs.push({ kind: 'frame', seq: i, ptsMs: 0, width: f.width, height: f.height, pixels: f.pixels, source: { uri: 'p', examId: 'e', frameIndex: i }, meta: { usRegion: f.usRegion } }); }
const op = await textRemovalStage.build(textRemovalStage.schema.parse({ fill: 'inpaint', exposeText: true }), ctx);
const out = (await firstValueFrom(from(inputs as PipelineEvent[]).pipe(op, toArray()))) as unknown as FrameEvent[];
console.log(out.length, JSON.stringify(out[10]!.meta.redactions?.map(r => `${r.text}:${r.confidence}@${r.x},${r.y},${r.width}x${r.height}`)));
save('/tmp/tr/out.png', out[10]!.width, out[10]!.height, out[10]!.pixels);
const c = checker(7);
console.log(JSON.stringify(await wordsIn(c, out[10]!, { x: 826, y: 92, width: 123, height: 21 })));
await c.terminate();
