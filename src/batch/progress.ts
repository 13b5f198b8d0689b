/**
 * Progress of a batch run: exams done / total, frames per second, ETA.
 * On a terminal one bar redrawn in place (at most ~8 times a second); otherwise
 * (CI, logs, pipes) a plain line every `intervalMs`. A failed exam is always
 * printed at once, on its own line, with its reason.
 */
import type { Clock, TextOut } from '../core/context.js';

export interface ProgressOptions {
  out: TextOut;
  total: number;
  clock: Clock;
  /** Between plain lines when not a terminal (default 10 s). */
  intervalMs?: number;
  /** Force bar (true) or lines (false); default: `out.isTTY`. */
  tty?: boolean;
  /** Width of the bar in characters. */
  width?: number;
}

export interface ProgressSnapshot {
  done: number;
  total: number;
  ok: number;
  failed: number;
  skipped: number;
  running: number;
  frames: number;
  framesPerSecond: number;
  etaMs?: number;
}

export class BatchProgress {
  private ok = 0;
  private failed = 0;
  private skipped = 0;
  private running = 0;
  private frames = 0;
  /** Exams this session actually ran to an end (for the ETA; skips are instant). */
  private ranDone = 0;
  private readonly started: number;
  private lastDraw = -Infinity;
  private stopTimer?: () => void;
  private readonly tty: boolean;
  private drawn = false;

  constructor(private readonly opts: ProgressOptions) {
    this.started = opts.clock.monotonic();
    this.tty = opts.tty ?? Boolean(opts.out.isTTY);
    const interval = this.tty ? 250 : (opts.intervalMs ?? 10_000);
    if (interval > 0) {
      this.stopTimer = opts.clock.every(interval, () => (this.tty ? this.draw() : this.line()));
    }
  }

  snapshot(): ProgressSnapshot {
    const elapsed = Math.max(1, this.opts.clock.monotonic() - this.started);
    const done = this.ok + this.failed + this.skipped;
    const remaining = this.opts.total - done;
    const etaMs = this.ranDone > 0 ? (remaining * elapsed) / this.ranDone : remaining === 0 ? 0 : undefined;
    return {
      done,
      total: this.opts.total,
      ok: this.ok,
      failed: this.failed,
      skipped: this.skipped,
      running: this.running,
      frames: this.frames,
      framesPerSecond: (this.frames * 1000) / elapsed,
      etaMs,
    };
  }

  examStarted(): void {
    this.running++;
    this.maybeDraw();
  }

  addFrames(n = 1): void {
    this.frames += n;
    this.maybeDraw();
  }

  examSkipped(): void {
    this.skipped++;
    this.maybeDraw();
  }

  examFinished(ok: boolean, key: string, error?: string): void {
    this.running--;
    this.ranDone++;
    if (ok) this.ok++;
    else {
      this.failed++;
      this.print(`✖ ${key}: ${error ?? 'failed'} — skipped, the run goes on`);
    }
    this.maybeDraw();
  }

  /** An exam stopped by Ctrl-C: no result; the next run redoes it. */
  examInterrupted(): void {
    this.running--;
  }

  /** Print a message above the bar. */
  print(text: string): void {
    if (this.tty && this.drawn) this.opts.out.write('\r\x1b[K');
    this.opts.out.write(text + '\n');
    this.drawn = false;
    if (this.tty) this.draw();
  }

  finish(): void {
    this.stopTimer?.();
    if (this.tty) {
      this.draw();
      this.opts.out.write('\n');
    } else this.line();
  }

  /** The plain progress line. */
  line(): void {
    this.opts.out.write(`[batch] ${describe(this.snapshot())}\n`);
  }

  private maybeDraw(): void {
    if (!this.tty) return;
    const now = this.opts.clock.monotonic();
    if (now - this.lastDraw >= 125) this.draw();
  }

  private draw(): void {
    if (!this.tty) return;
    this.lastDraw = this.opts.clock.monotonic();
    const s = this.snapshot();
    const width = this.opts.width ?? 24;
    const filled = s.total === 0 ? width : Math.round((width * s.done) / s.total);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.opts.out.write(`\r\x1b[K${bar} ${describe(s)}`);
    this.drawn = true;
  }
}

export function describe(s: ProgressSnapshot): string {
  const parts = [`${s.done}/${s.total} exams`];
  const extra = [s.failed ? `${s.failed} failed` : '', s.skipped ? `${s.skipped} already done` : '', s.running ? `${s.running} running` : ''].filter(Boolean);
  if (extra.length) parts[0] += ` (${extra.join(', ')})`;
  parts.push(`${s.frames} frames`, `${s.framesPerSecond.toFixed(1)} frames/s`, `ETA ${s.etaMs === undefined ? '?' : formatDuration(s.etaMs)}`);
  return parts.join(' · ');
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
