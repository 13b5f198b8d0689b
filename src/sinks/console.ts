/**
 * console — a live status line about once a second and a summary at the end.
 *
 * Consumes: every event. Emits: nothing (a sink).
 * Parameters:
 *   intervalMs  time between live lines (default 1000; 0 = summary only)
 *   warnings    print warnings as they happen (default true)
 *   target      stdout (default) or stderr: where the lines go
 * Notes: never prints patient attributes or recognised text; prints the research-software
 *   disclaimer with every exam verdict.
 *
 * ```yaml
 * - type: console
 * ```
 */
import { z } from 'zod';
import { DISCLAIMER, type PipelineEvent } from '../core/events.js';
import { defineSink } from '../core/unit.js';
import { sinkOperator } from './sink-operator.js';
import { UNLIKE_TRAINING } from '../verdict/incomplete-reasons.js';
import type { Clock, TextOut } from '../core/context.js';
import { unknownReason } from '../model/unknown-reason.js';

const schema = z
  .object({
    intervalMs: z.number().int().min(0).default(1000).describe('Milliseconds between live status lines; 0 prints only the summary.'),
    warnings: z.boolean().default(true).describe('Print warnings as they happen.'),
    target: z.enum(['stdout', 'stderr']).default('stdout').describe('Where the lines go: stderr keeps stdout free for data (json-log path: -).'),
  })
  .strict();

export const consoleSink = defineSink({
  type: 'console',
  summary: 'Print a live status line about once a second and a summary at the end.',
  schema,
  perExam: { skip: 'the batch progress bar owns the terminal' },
  example: { type: 'console', intervalMs: 1000 },
  stdout: (config) => (config.target === 'stdout' ? 'status' : undefined),
  build(config, ctx) {
    return sinkOperator(() => new ConsoleWriter(config, config.target === 'stdout' ? ctx.stdout : ctx.stderr, ctx.clock));
  },
});

class ConsoleWriter {
  private frames = 0;
  private framesAtLastLine = 0;
  private predictions = 0;
  private unknownPredictions = 0;
  private warnings = 0;
  private exams = 0;
  private lastLineAt: number;
  private readonly startedAt: number;
  private lastPrediction?: Extract<PipelineEvent, { kind: 'prediction' }>;
  private lastState?: Extract<PipelineEvent, { kind: 'state' }>;
  private counters: Record<string, number> = {};
  private readonly verdicts: string[] = [];

  constructor(
    private readonly config: { intervalMs: number; warnings: boolean },
    private readonly out: TextOut,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.monotonic();
    this.lastLineAt = this.startedAt;
  }

  write(event: PipelineEvent): void {
    switch (event.kind) {
      case 'frame':
        this.frames++;
        break;
      case 'prediction':
        this.predictions++;
        if (event.inDistribution?.unknown) this.unknownPredictions++;
        this.lastPrediction = event;
        break;
      case 'state':
        this.lastState = event;
        break;
      case 'warning':
        this.warnings++;
        if (this.config.warnings) this.out.write(`⚠ [${event.scope}] ${event.message}\n`);
        break;
      case 'metrics':
        this.counters = { ...this.counters, ...event.counters };
        break;
      case 'verdict':
        this.out.write(`  ${event.examId} ${event.landmark}: ${event.verdict} (${fmtS(event.startMs)}–${fmtS(event.endMs)})\n`);
        break;
      case 'exam': {
        this.exams++;
        const verdict = event.verdict ? ` — ${event.verdict}` : '';
        const unknown = event.inDistribution ? `, ${event.inDistribution.unknown} of ${event.inDistribution.windows} windows unknown` : '';
        const why = event.incompleteReason ? ` (${event.incompleteReason === UNLIKE_TRAINING ? '' : 'ended early: '}${event.incompleteReason})` : '';
        const line = `exam ${event.examId}: ${event.frames} frames, ${fmtS(event.durationMs)}${unknown}${verdict}${why}`;
        this.verdicts.push(line);
        this.out.write(line + '\n');
        break;
      }
    }
    const now = this.clock.monotonic();
    if (this.config.intervalMs > 0 && now - this.lastLineAt >= this.config.intervalMs) this.liveLine(now);
  }

  private liveLine(now: number): void {
    const fps = ((this.frames - this.framesAtLastLine) * 1000) / (now - this.lastLineAt);
    this.lastLineAt = now;
    this.framesAtLastLine = this.frames;
    const parts = [`[${fmtS(now - this.startedAt)}] frames ${this.frames} (${fps.toFixed(1)} fps)`];
    if (this.lastPrediction?.inDistribution?.unknown) {
      const d = this.lastPrediction.inDistribution;
      parts.push(`model unknown (${unknownReason(d, 0)})`);
    } else if (this.lastPrediction) {
      const p = this.lastPrediction.landmark;
      const top = (Object.keys(p) as (keyof typeof p)[]).reduce((a, b) => (p[a] >= p[b] ? a : b));
      parts.push(`model ${top} ${(p[top] * 100).toFixed(0)}% pClosed ${this.lastPrediction.pClosed.toFixed(2)}`);
    }
    if (this.lastState) parts.push(this.lastState.unknownWindow ? 'state unknown' : `state ${this.lastState.landmark}/${this.lastState.vein}`);
    if (this.counters.dropped) parts.push(`dropped ${this.counters.dropped}`);
    this.out.write(parts.join(' | ') + '\n');
  }

  close(error?: unknown): void {
    const elapsed = this.clock.monotonic() - this.startedAt;
    const out = this.out;
    out.write('── summary ──\n');
    out.write(
      `${this.exams} exam(s), ${this.frames} frames in ${fmtS(elapsed)} (${((this.frames * 1000) / Math.max(1, elapsed)).toFixed(1)} fps)` +
        `, ${this.predictions} predictions` +
        (this.unknownPredictions > 0 ? ` (${this.unknownPredictions} unknown: unlike the training data)` : '') +
        `, ${this.warnings} warning(s)` +
        (this.counters.dropped ? `, ${this.counters.dropped} dropped` : '') +
        '\n',
    );
    if (this.verdicts.some((v) => v.includes(' — '))) out.write(`${DISCLAIMER}\n`);
    if (error !== undefined) out.write(`run ended with an error after ${this.frames} frames (see below)\n`);
  }
}

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
