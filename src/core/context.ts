/**
 * What a unit's build() gets besides its config: no hidden globals. Clocks, random
 * seeds, the pipeline's folder and the warning channel come from here, so tests
 * control time and randomness.
 */
import path from 'node:path';
import type { WarningEvent } from './events.js';
import type { SharedInference } from '../model/shared-inference.js';

/** Cancels a timer set on a Clock (calling it twice, or after the timer ran, does nothing). */
export type CancelTimer = () => void;

/**
 * Time as units see it: what time it is, and timers. Every wait, pace, back-off and
 * interval goes through here, so a test can run them on virtual time.
 */
export interface Clock {
  /** Milliseconds since the epoch (wall clock). */
  now(): number;
  /** High-resolution monotonic milliseconds, for durations. */
  monotonic(): number;
  /** Runs `fn` once after `ms`. */
  after(ms: number, fn: () => void): CancelTimer;
  /** Runs `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): CancelTimer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts (never rejects). */
export function sleep(clock: Pick<Clock, 'after'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.after(ms, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

export interface TextOut {
  write(text: string): unknown;
  /** True when it is an interactive terminal (progress bars instead of lines). */
  isTTY?: boolean;
}

export interface BuildContext {
  /** Id of the unit being built, e.g. `stages[2]`, and its type, e.g. `sliding-window`. */
  unitPath: string;
  unitType: string;
  /** Folder that relative paths in the pipeline file resolve against. */
  baseDir: string;
  /** The pipeline file, when it came from one. */
  pipelineFile?: string;
  clock: Clock;
  /** Seed for any randomness a unit needs (derive per-unit seeds from it). */
  seed: number;
  logger: Logger;
  /** Aborted when the run is interrupted (Ctrl-C) or fails. */
  signal: AbortSignal;
  /** True when the source is live (capture device, stdin, realtime replay). */
  live: boolean;
  /** Where human-readable output goes (console sink, progress); tests pass their own. */
  stdout: TextOut;
  stderr: TextOut;
  /** Backpressure for file sources: await `flow.ready()` before emitting a frame. */
  flow: FlowControl;
  /** What a `stdin` source reads instead of the process's standard input (tests, embedding). */
  stdin?: NodeJS.ReadableStream;
  /**
   * Set in a batch run: the run's inference service, shared by the exams running at
   * once (one session per model; windows of several exams batched into one call).
   * Absent in an ordinary run: each inference stage opens its own session.
   */
  inference?: SharedInference;
  /** Report a non-fatal problem; it also becomes a `warning` event on the stream. */
  warn(message: string, extra?: Partial<Pick<WarningEvent, 'examId' | 'seq'>>): void;
  /**
   * A stage that drops a frame on purpose (it will never reach the sinks) says so here,
   * so the frame stops counting as in flight at once. With live input only one frame is
   * in flight: without this, the next frame would wait for the live queue's timeout.
   */
  frameDropped?(seq: number): void;
}

/** Resolve a path from a pipeline file against the pipeline's folder. */
export function resolvePath(ctx: Pick<BuildContext, 'baseDir'>, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(ctx.baseDir, p);
}

/**
 * Backpressure between a pulling source and the end of the stages. `ready()`
 * resolves at once while fewer than the limit of frames are in flight; a frame
 * leaves flight when it reaches the sinks.
 */
export interface FlowControl {
  ready(): Promise<void> | undefined;
}

export const unlimitedFlow: FlowControl = { ready: () => undefined };
