/**
 * Ctrl-C and SIGTERM for long commands: the first one aborts the returned signal (the
 * command stops cleanly and flushes), a second one quits at once with exit code 130.
 */
import type { TextOut } from '../core/context.js';

export const EXIT_INTERRUPTED = 130;

export function stopOnSignals(stderr: TextOut, what: string): { signal: AbortSignal; dispose(): void } {
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: string) => {
    if (++interrupts > 1) process.exit(EXIT_INTERRUPTED);
    stderr.write(`\n${sig}: ${what} (press Ctrl-C again to quit at once)\n`);
    abort.abort();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: abort.signal,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
