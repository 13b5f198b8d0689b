/**
 * What a unit's build() gets besides its config: no hidden globals. Clocks, random
 * seeds, the pipeline's folder and the warning channel come from here, so tests
 * control time and randomness.
 */
import type { WarningEvent } from './events.js';

export interface Clock {
  /** Milliseconds since the epoch (wall clock). */
  now(): number;
  /** High-resolution monotonic milliseconds, for durations. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

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
  /** Report a non-fatal problem; it also becomes a `warning` event on the stream. */
  warn(message: string, extra?: Partial<Pick<WarningEvent, 'examId' | 'seq'>>): void;
}

export function resolvePath(ctx: Pick<BuildContext, 'baseDir'>, p: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return p.startsWith('/') ? p : `${ctx.baseDir.replace(/\/$/, '')}/${p}`;
}
