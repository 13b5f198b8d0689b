/**
 * Open an onnxruntime-node session with an ordered list of execution providers and
 * a declared fallback policy: each provider is tried alone, in order; the first that
 * starts is used. Falling back is never silent — it warns or fails, as configured.
 */
import { AutodvtError } from '../core/errors.js';
import type { InferenceSession } from 'onnxruntime-node';
import { cpuThreadSessionOptions } from './cpu-thread-options.js';
import { onnxruntime } from './onnxruntime.js';

export type Provider = 'cpu' | 'webgpu' | 'cuda' | 'tensorrt' | 'coreml' | 'dml';
export const PROVIDERS: readonly Provider[] = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'coreml', 'dml'];

export interface OpenedSession {
  session: InferenceSession;
  provider: Provider;
  /** Why each earlier provider was skipped. */
  skipped: { provider: Provider; reason: string }[];
}

export async function openSession(
  file: string,
  opts: { providers: Provider[]; onFallback: 'warn' | 'error'; threads?: number; spinWait?: boolean; warn?: (m: string) => void; scope: string },
): Promise<OpenedSession> {
  const ort = await onnxruntime();
  const skipped: OpenedSession['skipped'] = [];
  for (const provider of opts.providers) {
    try {
      const session = await ort.InferenceSession.create(file, {
        executionProviders: [provider],
        ...cpuThreadSessionOptions({ threads: opts.threads, spinWait: opts.spinWait }),
        graphOptimizationLevel: 'all',
      });
      if (skipped.length > 0) {
        const message = `execution provider ${skipped.map((s) => `${s.provider} (${s.reason})`).join(', ')} unavailable; using ${provider}`;
        if (opts.onFallback === 'error') {
          await session.release();
          throw new AutodvtError(message, { scope: opts.scope, category: 'config', hint: 'set onFallback: warn to accept the fallback, or fix the provider' });
        }
        opts.warn?.(message);
      }
      return { session, provider, skipped };
    } catch (err) {
      if (err instanceof AutodvtError) throw err;
      skipped.push({ provider, reason: firstLine((err as Error).message) });
    }
  }
  throw new AutodvtError(`no execution provider could start the model ${file}: ${skipped.map((s) => `${s.provider}: ${s.reason}`).join('; ')}`, {
    scope: opts.scope,
    category: 'config',
  });
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}
