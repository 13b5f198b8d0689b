/**
 * A pool of tesseract.js workers (each its own worker thread, so OCR never runs on
 * the main event loop). Workers start lazily on the first job, take jobs in order of
 * arrival, and are all terminated by `terminate()`. Language data comes from a local
 * folder (gzip, no cache), so nothing is downloaded. Tesseract's logger is silenced:
 * recognised text never reaches a log.
 */
import { systemClock, type CancelTimer, type Clock } from '../core/context.js';
import { AutodvtError } from '../core/errors.js';
import { encodePgm, type OcrImage } from './ocr-image.js';
import type { OcrEngine } from './ocr-engine.js';
import type { OcrWord } from './ocr-words.js';
import type { Worker } from 'tesseract.js';

export interface TesseractPoolOptions {
  size: number;
  langPath: string;
  lang: string;
  /** Page segmentation mode (tesseract's PSM number). */
  psm: number;
  /** A job that takes longer than this fails the stream (a hung worker). */
  timeoutMs: number;
  scope: string;
  /** Times `timeoutMs`; the system clock when absent. */
  clock?: Clock;
}

type Job = { image: OcrImage; resolve: (w: OcrWord[]) => void; reject: (e: unknown) => void };

export function createTesseractPool(options: TesseractPoolOptions): OcrEngine {
  const { scope } = options;
  const idle: Worker[] = [];
  const queue: Job[] = [];
  const all: Promise<Worker>[] = [];
  const clock = options.clock ?? systemClock;
  const timers = new Set<CancelTimer>();
  let starting = 0;
  let closed = false;

  const fail = (what: string, err: unknown) =>
    new AutodvtError(`tesseract ${what} failed: ${(err as Error)?.message ?? String(err)}`, {
      scope,
      hint: `check that @tesseract.js-data/eng is installed and that langPath (${options.langPath}) holds ${options.lang}.traineddata.gz`,
      cause: err,
    });

  async function startWorker(): Promise<Worker> {
    const { createWorker } = await import('tesseract.js');
    const worker = await createWorker(options.lang, 1, {
      langPath: options.langPath,
      gzip: true,
      cacheMethod: 'none',
      logger: () => {},
      errorHandler: () => {},
    });
    await worker.setParameters({
      tessedit_pageseg_mode: String(options.psm) as never,
      // A fixed resolution keeps tesseract from guessing (and printing that it guessed).
      user_defined_dpi: '150',
      // Tesseract's layout debugging goes to stdout otherwise.
      debug_file: '/dev/null',
    });
    return worker;
  }

  function pump(wanted = queue.length): void {
    if (closed) return;
    while (queue.length && idle.length) run(idle.pop()!, queue.shift()!);
    while (wanted > starting && all.length < options.size) {
      starting++;
      const p = withTimeout(startWorker());
      all.push(p);
      p.then(
        (w) => {
          starting--;
          if (closed) void w.terminate();
          else {
            idle.push(w);
            pump();
          }
        },
        (err) => {
          starting--;
          const e = fail('worker start', err);
          for (const job of queue.splice(0)) job.reject(e);
        },
      );
    }
  }

  function run(worker: Worker, job: Job): void {
    withTimeout(worker.recognize(Buffer.from(encodePgm(job.image)), {}, { blocks: true, text: false }))
      .then((result) => {
        job.resolve(wordsOf(result.data.blocks));
        idle.push(worker);
        pump();
      })
      .catch((err) => job.reject(fail('recognition', err)));
  }

  /** A worker that cannot load its data, or a job that hangs, may never answer: give up after `timeoutMs`. */
  function withTimeout<T>(p: Promise<T>): Promise<T> {
    let cancel: CancelTimer = () => {};
    const timeout = new Promise<never>((_, reject) => {
      cancel = clock.after(options.timeoutMs, () => reject(new Error(`no answer within ${options.timeoutMs} ms`)));
      timers.add(cancel);
    });
    return Promise.race([p, timeout]).finally(() => {
      cancel();
      timers.delete(cancel);
    });
  }

  return {
    warm() {
      pump(options.size);
    },
    recognize(image) {
      if (closed) return Promise.reject(new AutodvtError('OCR pool already terminated', { scope }));
      return new Promise<OcrWord[]>((resolve, reject) => {
        queue.push({ image, resolve, reject });
        pump();
      });
    },
    async terminate() {
      if (closed) return;
      closed = true;
      queue.splice(0);
      for (const cancel of timers) cancel();
      timers.clear();
      const workers = await Promise.allSettled(all);
      await Promise.allSettled(workers.map((w) => (w.status === 'fulfilled' ? w.value.terminate() : undefined)));
    },
  };
}

type Blocks = NonNullable<Awaited<ReturnType<Worker['recognize']>>['data']['blocks']>;

function wordsOf(blocks: Blocks | null): OcrWord[] {
  const out: OcrWord[] = [];
  for (const b of blocks ?? [])
    for (const p of b.paragraphs)
      for (const l of p.lines)
        for (const w of l.words) out.push({ x0: w.bbox.x0, y0: w.bbox.y0, x1: w.bbox.x1, y1: w.bbox.y1, confidence: w.confidence, text: w.text });
  return out;
}
