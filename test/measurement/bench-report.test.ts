import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { benchMarkdown } from '../../src/measurement/bench-report.js';
import { endedChildrenCpuMs } from '../../src/measurement/child-cpu.js';
import type { RunMeasurement } from '../../src/measurement/measure-run.js';
import type { BenchResult } from '../../src/measurement/run-bench.js';

const run = (fps: number, cpu: number, ffmpeg?: number): RunMeasurement => ({
  frames: 300,
  predictions: 292,
  seconds: 300 / fps,
  framesPerSecond: fps,
  latencyMs: { p50: 80, p95: 150, p99: 180 },
  stageMs: { 'crop-pad': { p50: 0.3, p99: 4 } },
  dropped: 0,
  cpuMsPerFrame: cpu,
  childCpuMsPerFrame: ffmpeg,
  peakRssMB: 330,
  peakHeapMB: 40,
});
const floor = (perSecond: number, cpuMsPerItem: number) => ({ perSecond, iterations: 100, seconds: 3, msPerCall: 1000 / perSecond, cpuMsPerItem });

const result: BenchResult = {
  machine: { cpu: 'test cpu', cores: 2, memoryGB: 24, node: 'v20', onnxruntime: '1.30.0', platform: 'linux' },
  input: { file: 'phantom.mp4', frames: 300 },
  model: 'models/autodvt.onnx',
  textRemoval: false,
  floors: { decodeOnly: run(334.3, 1.21, 2.5), modelWindowBatchN: floor(210.5, 4.61) },
  archive: { window: run(90.2, 8.75, 3.3), streaming: run(120, 6.1, 3.2), ratioToModelOnly: 0.43, ratioToDecodeOnly: 0.27 },
  batch: 8,
};

describe('benchMarkdown', () => {
  it('reports CPU per frame of the process and of ffmpeg beside each pipeline', () => {
    const md = benchMarkdown(result);
    expect(md).toContain('| scenario | frames/s | latency p50 ms | p95 | p99 | dropped | CPU ms/frame | ffmpeg CPU ms/frame | peak RSS MB |');
    expect(md).toContain('| archive, window mode, batch 8 | 90.2 | 80.0 | 150.0 | 180.0 | 0 | 8.75 | 3.30 | 330.0 |');
    expect(md).toContain('| live 30 fps, window mode, batch 1 | – | – | – | – | – | – | – | – |');
  });

  it('reports CPU per stack beside each model-only floor, and the decoder floor with its ffmpeg', () => {
    const md = benchMarkdown(result);
    expect(md).toContain('| model only, window mode, batch 8 | 210.5 stacks/s | 4.61 |');
    expect(md).toContain('| model only, window mode, batch 1 | – stacks/s | – |');
    expect(md).toContain('| decode only (video-file source, no stages) | 334.3 frames/s | 1.21 + ffmpeg 2.50 |');
  });

  it('reports the JPEG DICOM archive runs beside the mp4 ones, with their ratio to model-only', () => {
    const md = benchMarkdown({
      ...result,
      input: { ...result.input!, dicomFile: 'phantom.dcm' },
      floors: { ...result.floors, decodeOnlyDicom: run(240, 4.2) },
      archive: { ...result.archive!, dicomWindow: run(100, 9), dicomWindowNoText: run(170, 6), dicomRatioToModelOnly: 0.48, dicomRatioToModelOnlyNoText: 0.81 },
    });
    expect(md).toContain('and the same exam as phantom.dcm (JPEG baseline DICOM)');
    expect(md).toContain('| decode only, JPEG DICOM (dicom-cine source, no stages) | 240.0 frames/s | 4.20 |');
    expect(md).toContain('| archive, JPEG DICOM, window mode, batch 8 | 100.0 |');
    expect(md).toContain('| archive, JPEG DICOM, window mode, batch 8, no text removal | 170.0 |');
    expect(md).toContain('From the JPEG DICOM: 0.48x with text removal, 0.81x without it.');
  });

  it('puts a second provider beside the CPU, with the ratio and the output difference', () => {
    const md = benchMarkdown({
      ...result,
      provider: 'webgpu',
      providerFloors: {
        provider: 'webgpu',
        batches: [1, 16],
        window: { '1': { cpu: floor(300, 5), provider: floor(150, 4) }, '16': { cpu: floor(800, 1), provider: floor(1600, 0.5) } },
        streaming: { cpu: floor(500, 2), provider: floor(100, 10) },
        maxAbsDiffVsCpu: { window: 1.2e-7, streaming: 2.4e-6 },
      },
    });
    expect(md).toContain('pipelines on the webgpu execution provider');
    expect(md).toContain('| window mode, batch 1 | 300.0 stacks/s | 150.0 stacks/s | 0.50x | 6.67 | 4.00 |');
    expect(md).toContain('| window mode, batch 16 | 800.0 stacks/s | 1600.0 stacks/s | 2.00x | 0.63 | 0.50 |');
    expect(md).toContain('| streaming mode, batch 1 | 500.0 frames/s | 100.0 frames/s | 0.20x | 10.00 | 10.00 |');
    expect(md).toContain('window 1.20e-7, streaming (12 frames, state included) 2.40e-6');
  });

  it('leaves out the decoder floor and the pipeline tables when only the model ran (scenario model)', () => {
    const { input: _input, archive: _archive, ...modelOnly } = result;
    const md = benchMarkdown({ ...modelOnly, floors: { modelWindowBatchN: floor(210.5, 4.61) } });
    expect(md).toContain('model-only floors, no pipeline (scenario `model`)');
    expect(md).toContain('| model only, window mode, batch 8 | 210.5 stacks/s | 4.61 |');
    expect(md).not.toContain('decode only');
    expect(md).not.toContain('### Pipelines');
  });
});

describe.runIf(process.platform === 'linux')('endedChildrenCpuMs', () => {
  it('grows by the CPU of a child process once it has ended', () => {
    const before = endedChildrenCpuMs()!;
    // Busy until it has used 150 ms of CPU itself (wall time would depend on the machine's load).
    spawnSync(process.execPath, ['-e', 'const c = process.cpuUsage(); while (process.cpuUsage(c).user < 150000);']);
    expect(endedChildrenCpuMs()! - before).toBeGreaterThanOrEqual(100);
  });
});
