import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DISCLAIMER } from '../../src/core/events.js';
import { reportSink } from '../../src/sinks/report/index.js';
import { testContext } from '../helpers/test-context.js';
import { scoredExam } from './scored-exam.js';

async function writeReport(events: ReturnType<typeof scoredExam>, extra: Record<string, unknown> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-report-'));
  const op = await reportSink.build(reportSink.schema.parse({ dir: 'reports', ...extra }), testContext({ baseDir: dir }));
  await firstValueFrom(from(events).pipe(op, toArray()));
  return path.join(dir, 'reports');
}

describe('report sink', () => {
  it('writes one HTML file per exam with the verdicts, explain traces and the disclaimer', async () => {
    const dir = await writeReport(scoredExam(90));
    expect(fs.readdirSync(dir)).toEqual(['exam-7.html']);
    const html = fs.readFileSync(path.join(dir, 'exam-7.html'), 'utf8');
    expect(html).toContain('refer for specialist ultrasound');
    expect(html).toMatch(/LM1[\s\S]*compressible/);
    expect(html).toContain('not-compressible');
    expect(html).toContain('verdict compressible &lt;because&gt;'); // explain lines, escaped
    expect(html.split(DISCLAIMER).length - 1).toBeGreaterThanOrEqual(2);
    expect(html).toContain('<svg');
    expect(html).not.toContain('JOHN DOE');
    expect(html).not.toMatch(/<(script|link)\b|src="http/); // self-contained
  });

  it('embeds key frames as valid inline PNGs: one per verdict plus the evenly spaced ones', async () => {
    const dir = await writeReport(scoredExam(90, { width: 400, height: 300 }), { keyframes: 5, thumbWidth: 200 });
    const html = fs.readFileSync(path.join(dir, 'exam-7.html'), 'utf8');
    const uris = [...html.matchAll(/src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => m[1]!);
    expect(uris).toHaveLength(2 + 5);
    for (const b64 of uris) {
      const png = PNG.sync.read(Buffer.from(b64, 'base64'));
      expect(png.width).toBe(200);
      expect(png.height).toBe(150);
    }
  });

  it('writes a report marked as cut short when the stream ends inside an exam', async () => {
    const events = scoredExam(40).filter((e) => e.kind !== 'exam');
    const dir = await writeReport(events);
    const html = fs.readFileSync(path.join(dir, 'exam-7.html'), 'utf8');
    expect(html).toContain('the stream ended before the exam did');
    expect(html).toContain(DISCLAIMER);
  });
});
