/**
 * scripts/replay-verdicts.ts: command-line parsing (several recordings pooled, key=value
 * parameters, booleans) and scoring of a recording against the phantom truth it carries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRecording, paramsFromArgs, recordingArgs, score } from '../../scripts/replay-verdicts.js';
import { defaultCompressibilityParams } from '../../src/stages/compressibility/params.js';

/** A recorded exam with no prediction at all: every landmark is not examined, so the verdict is incomplete. */
function recording(examId: string, truthVerdict: string): string {
  const start = { kind: 'exam-start', examId, uri: `synthetic:${examId}`, truth: { visits: [], verdict: truthVerdict } };
  const end = { kind: 'exam', examId, uri: `synthetic:${examId}`, frames: 0 };
  return `${JSON.stringify(start)}\n${JSON.stringify(end)}\n`;
}

describe('scripts/replay-verdicts', () => {
  it('takes every argument that is not an option or key=value as a recording', () => {
    expect(recordingArgs(['a.ndjson', '--markdown', 'b.ndjson', 'minClosedS=0.5', '--grid'])).toEqual(['a.ndjson', 'b.ndjson']);
  });

  it('parses key=value parameters, numbers and booleans included, over the defaults', () => {
    const p = paramsFromArgs(['a.ndjson', 'minClosedS=0.5', 'openBeforeClosure=true', 'unclearClosure=inconclusive']);
    expect(p.minClosedS).toBe(0.5);
    expect(p.openBeforeClosure).toBe(true);
    expect(p.unclearClosure).toBe('inconclusive');
    expect(p.closedLevel).toBe(defaultCompressibilityParams.closedLevel);
    expect(() => paramsFromArgs(['openBeforeClosure=maybe'])).toThrow();
  });

  it('pools several recordings and scores each exam against its truth', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const a = path.join(dir, 'a.ndjson');
    const b = path.join(dir, 'b.ndjson');
    fs.writeFileSync(a, recording('e1', 'incomplete'));
    fs.writeFileSync(b, recording('e2', '2-point exam negative at the examined landmarks') + recording('e3', 'incomplete'));
    const exams = [a, b].flatMap((f) => loadRecording(f));
    expect(exams).toHaveLength(3);
    const s = score(exams, defaultCompressibilityParams);
    expect(s.n).toBe(3);
    // No predictions: every exam reads "incomplete", which is right for two of the three.
    expect(s.agree).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
