/**
 * `autodvt bench`: the pipeline measured side by side with its floors, in one run.
 *
 * Scenarios (one phantom exam, written as an mp4 and as a JPEG DICOM; CPU provider unless `provider` names another):
 *   archive   file input, `block` backpressure, window mode at batch N (and streaming mode);
 *             window mode again from the same exam as a JPEG baseline DICOM cine
 *   live      the same file replayed at its frame rate (30 fps), batch 1, window vs streaming
 *   model     the model-only floors alone (no clip, no ffmpeg)
 * With `provider` (webgpu, cuda, ...): its model-only floors beside the CPU's at batch 1, N
 * and 16 and in streaming mode, with the provider's output difference from the CPU's.
 * Floors, measured in the same run: decode-only (the source alone) and model-only
 * (session.run on random input at the same batch size); the ratios say how much the
 * pipeline costs on top. Optionally PyTorch eager on the same machine (training/bench_torch.py).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { findUnit } from '../core/registry.js';
import { modelFormFile } from '../model/model-forms.js';
import { MODEL_PREPROCESSING } from '../model/model-preprocessing.js';
import { SHIPPED_MODEL } from '../model/shipped-models.js';
import { benchInputs } from './bench-input.js';
import { measureRun, type RunMeasurement } from './measure-run.js';
import type { Provider } from '../model/open-session.js';
import { measureProviderFloors, type ProviderFloors } from './provider-floors.js';
import { streamingModelThroughput, windowModelThroughput, type ThroughputResult } from './model-throughput.js';

export interface BenchOptions {
  scenarios: ('archive' | 'live' | 'model')[];
  /** Execution provider for the pipelines and the second column of model-only floors (default cpu). */
  provider?: Provider;
  batch: number;
  durationS: number;
  modelSeconds: number;
  model?: string;
  torch: boolean;
  log?: (line: string) => void;
}

export interface BenchResult {
  machine: { cpu: string; cores: number; memoryGB: number; node: string; onnxruntime: string; platform: string };
  input?: { file: string; frames?: number; dicomFile?: string };
  model: string;
  textRemoval: boolean;
  floors: {
    decodeOnly?: RunMeasurement;
    /** The same exam as a JPEG baseline DICOM cine (dicom-cine source, no stages). */
    decodeOnlyDicom?: RunMeasurement;
    modelWindowBatchN?: ThroughputResult;
    modelWindowBatch1?: ThroughputResult;
    modelStreamingBatch1?: ThroughputResult;
    /** The same two with one intra-op thread (leaves the other core to decoding and OCR). */
    modelWindowBatch1OneThread?: ThroughputResult;
    modelStreamingBatch1OneThread?: ThroughputResult;
    /** onnxruntime's own default (idle threads spin-wait), for comparison with the sleeping default used everywhere else. */
    modelWindowBatchNSpin?: ThroughputResult;
    modelWindowBatch1Spin?: ThroughputResult;
    modelStreamingBatch1Spin?: ThroughputResult;
  };
  archive?: {
    window: RunMeasurement;
    streaming: RunMeasurement;
    /** The same without text removal: what the rest of the pipeline costs. */
    windowNoText?: RunMeasurement;
    /** Window mode without text removal, with onnxruntime's threads spin-waiting (its default): the before of `spinWait: false`. */
    windowNoTextSpin?: RunMeasurement;
    ratioToModelOnly: number;
    ratioToModelOnlyNoText?: number;
    ratioToDecodeOnly: number;
    /** The same exam read from a JPEG baseline DICOM cine, window mode at batch N. */
    dicomWindow?: RunMeasurement;
    dicomWindowNoText?: RunMeasurement;
    dicomRatioToModelOnly?: number;
    dicomRatioToModelOnlyNoText?: number;
  };
  live?: { window: RunMeasurement; streaming: RunMeasurement; windowNoText?: RunMeasurement; streamingNoText?: RunMeasurement };
  streamingSpeedup?: number;
  streamingSpeedupOneThread?: number;
  streamingSpeedupSpin?: number;
  torch?: unknown;
  /** Model-only floors on `provider`, beside the CPU's (absent for the CPU provider). */
  providerFloors?: ProviderFloors;
  /** Execution provider the pipelines ran on (cpu when absent). */
  provider?: Provider;
  batch: number;
}

function stagesFor(mode: 'window' | 'streaming', batch: number, model: string, textRemoval: boolean, spinWait = false, provider: Provider = 'cpu') {
  return [
    ...(textRemoval ? [{ type: 'text-removal' }] : []),
    ...MODEL_PREPROCESSING,
    ...(mode === 'window' ? [{ type: 'sliding-window', size: 9 }] : []),
    { type: 'onnx-inference', model, mode, batch, warmup: true, spinWait, providers: [provider], onFallback: 'error' },
    { type: 'compressibility' },
  ];
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  const model = options.model ? path.resolve(options.model) : SHIPPED_MODEL;
  const streamingModel = modelFormFile(model, { mode: 'streaming' });
  const textRemoval = findUnit('stage', 'text-removal') !== undefined;
  const ort = await import('onnxruntime-node');
  const provider = options.provider ?? 'cpu';
  const pipelines = options.scenarios.some((s) => s !== 'model');
  const result: BenchResult = {
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      onnxruntime: ort.env.versions.node ?? 'unknown',
      platform: `${os.platform()} ${os.release()}`,
    },
    model: path.relative(process.cwd(), model),
    textRemoval,
    floors: {},
    provider,
    batch: options.batch,
  };
  if (provider !== 'cpu') {
    // First, so a provider that cannot start fails the bench before minutes of CPU floors.
    result.providerFloors = await measureProviderFloors(model, streamingModel, provider, [...new Set([1, options.batch, 16])], options.modelSeconds, log);
  }
  const sink = [{ type: 'console', intervalMs: 0 }];
  let source: { type: string; path: string } | undefined;
  let dicomSource: { type: string; path: string } | undefined;
  let baseDir = process.cwd();
  if (pipelines) {
    log('preparing the input clip (mp4 and JPEG DICOM) ...');
    const inputs = await benchInputs(4242, options.durationS);
    baseDir = path.dirname(inputs.mp4);
    source = { type: 'video-file', path: inputs.mp4 };
    dicomSource = { type: 'dicom-cine', path: inputs.dicom };
    result.input = { file: path.basename(inputs.mp4), dicomFile: path.basename(inputs.dicom) };
    log('floor: decode only ...');
    result.floors.decodeOnly = await measureRun({ source, sinks: sink, flow: { metricsIntervalMs: 0 } }, baseDir);
    result.input.frames = result.floors.decodeOnly.frames;
  }
  log(`floor: model only, window batch ${options.batch} and 1, streaming batch 1 ...`);
  result.floors.modelWindowBatchN = await windowModelThroughput(model, options.batch, options.modelSeconds);
  result.floors.modelWindowBatch1 = await windowModelThroughput(model, 1, options.modelSeconds);
  result.floors.modelStreamingBatch1 = await streamingModelThroughput(streamingModel, options.modelSeconds);
  result.floors.modelWindowBatch1OneThread = await windowModelThroughput(model, 1, options.modelSeconds, 1);
  result.floors.modelStreamingBatch1OneThread = await streamingModelThroughput(streamingModel, options.modelSeconds, 1);
  log('floor: model only with spin-waiting threads (onnxruntime default) ...');
  result.floors.modelWindowBatchNSpin = await windowModelThroughput(model, options.batch, options.modelSeconds, 0, true);
  result.floors.modelWindowBatch1Spin = await windowModelThroughput(model, 1, options.modelSeconds, 0, true);
  result.floors.modelStreamingBatch1Spin = await streamingModelThroughput(streamingModel, options.modelSeconds, 0, true);
  result.streamingSpeedup = result.floors.modelStreamingBatch1.perSecond / result.floors.modelWindowBatch1.perSecond;
  result.streamingSpeedupSpin = result.floors.modelStreamingBatch1Spin.perSecond / result.floors.modelWindowBatch1Spin.perSecond;
  result.streamingSpeedupOneThread = result.floors.modelStreamingBatch1OneThread.perSecond / result.floors.modelWindowBatch1OneThread.perSecond;

  if (options.scenarios.includes('archive') && source) {
    log('archive: window mode ...');
    const window = await measureRun(
      { source, stages: stagesFor('window', options.batch, model, textRemoval, false, provider), sinks: sink, flow: { metricsIntervalMs: 0 } },
      baseDir,
    );
    log('archive: streaming mode ...');
    const streaming = await measureRun(
      { source, stages: stagesFor('streaming', 1, model, textRemoval, false, provider), sinks: sink, flow: { metricsIntervalMs: 0 } },
      baseDir,
    );
    let windowNoText: RunMeasurement | undefined;
    if (textRemoval) {
      log('archive: window mode without text removal ...');
      windowNoText = await measureRun(
        { source, stages: stagesFor('window', options.batch, model, false, false, provider), sinks: sink, flow: { metricsIntervalMs: 0 } },
        baseDir,
      );
    }
    log('archive: window mode without text removal, spin-waiting threads ...');
    const windowNoTextSpin = await measureRun(
      { source, stages: stagesFor('window', options.batch, model, false, true, provider), sinks: sink, flow: { metricsIntervalMs: 0 } },
      baseDir,
    );
    result.archive = {
      window,
      streaming,
      windowNoText,
      windowNoTextSpin,
      ratioToModelOnly: window.framesPerSecond / result.floors.modelWindowBatchN.perSecond,
      ratioToModelOnlyNoText: windowNoText ? windowNoText.framesPerSecond / result.floors.modelWindowBatchN.perSecond : undefined,
      ratioToDecodeOnly: window.framesPerSecond / result.floors.decodeOnly!.framesPerSecond,
    };
    if (dicomSource) {
      log('archive, JPEG DICOM: decode only, then window mode with and without text removal ...');
      const run = (stages?: unknown[]) =>
        measureRun({ source: dicomSource, ...(stages ? { stages } : {}), sinks: sink, flow: { metricsIntervalMs: 0 } }, baseDir);
      result.floors.decodeOnlyDicom = await run();
      const dicomWindow = await run(stagesFor('window', options.batch, model, textRemoval, false, provider));
      const dicomWindowNoText = textRemoval ? await run(stagesFor('window', options.batch, model, false, false, provider)) : undefined;
      Object.assign(result.archive, {
        dicomWindow,
        dicomWindowNoText,
        dicomRatioToModelOnly: dicomWindow.framesPerSecond / result.floors.modelWindowBatchN.perSecond,
        dicomRatioToModelOnlyNoText: dicomWindowNoText ? dicomWindowNoText.framesPerSecond / result.floors.modelWindowBatchN.perSecond : undefined,
      });
    }
  }
  if (options.scenarios.includes('live') && source) {
    const live = { ...source, realtime: true };
    log('live (paced at the clip frame rate): window mode, batch 1 ...');
    const window = await measureRun(
      { source: live, stages: stagesFor('window', 1, model, textRemoval, false, provider), sinks: sink, flow: { metricsIntervalMs: 0 } },
      baseDir,
    );
    log('live: streaming mode ...');
    const streaming = await measureRun(
      { source: live, stages: stagesFor('streaming', 1, model, textRemoval, false, provider), sinks: sink, flow: { metricsIntervalMs: 0 } },
      baseDir,
    );
    result.live = { window, streaming };
    if (textRemoval) {
      log('live: window and streaming modes without text removal ...');
      result.live.windowNoText = await measureRun(
        { source: live, stages: stagesFor('window', 1, model, false, false, provider), sinks: sink, flow: { metricsIntervalMs: 0 } },
        baseDir,
      );
      result.live.streamingNoText = await measureRun(
        { source: live, stages: stagesFor('streaming', 1, model, false, false, provider), sinks: sink, flow: { metricsIntervalMs: 0 } },
        baseDir,
      );
    }
  }
  if (options.torch) {
    log('PyTorch eager (training/bench_torch.py) ...');
    const script = path.resolve(import.meta.dirname, '../../training/bench_torch.py');
    const run = spawnSync(
      '/usr/bin/python3',
      [script, '--device', 'cpu', '--seconds', String(options.modelSeconds), '--batches', `1,${options.batch === 1 ? 16 : 16}`],
      {
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    try {
      result.torch = JSON.parse(run.stdout);
    } catch {
      result.torch = { error: (run.stderr || run.stdout || 'no output').trim().split('\n').slice(-3).join(' ') };
    }
  }
  return result;
}
