/** The bench result as a Markdown report (docs/benchmarks.md) and a terminal table. */
import type { BenchResult } from './run-bench.js';
import type { RunMeasurement } from './measure-run.js';
import type { ThroughputResult } from './model-throughput.js';
import type { ProviderFloors } from './provider-floors.js';

const f1 = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
const f2 = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));

function runRow(name: string, r: RunMeasurement | undefined): string {
  if (!r) return `| ${name} | – | – | – | – | – | – | – | – |`;
  return `| ${name} | ${f1(r.framesPerSecond)} | ${f1(r.latencyMs?.p50)} | ${f1(r.latencyMs?.p95)} | ${f1(r.latencyMs?.p99)} | ${r.dropped} | ${f2(r.cpuMsPerFrame)} | ${f2(r.childCpuMsPerFrame)} | ${f1(r.peakRssMB)} |`;
}

function floorRow(name: string, t: ThroughputResult | undefined, unit: string, note = ''): string {
  return `| ${name} | ${f1(t?.perSecond)} ${unit}${note} | ${f2(t?.cpuMsPerItem)} |`;
}

function stageTable(r: RunMeasurement | undefined): string[] {
  if (!r || Object.keys(r.stageMs).length === 0) return [];
  return [
    '',
    '| stage | p50 ms/frame | p99 ms/frame |',
    '| --- | --- | --- |',
    ...Object.entries(r.stageMs).map(([id, s]) => `| ${id} | ${f2(s.p50)} | ${f2(s.p99)} |`),
  ];
}

function providerTable(p: ProviderFloors | undefined): string[] {
  if (!p) return [];
  const row = (name: string, pair: { cpu: ThroughputResult; provider: ThroughputResult }, unit: string) =>
    `| ${name} | ${f1(pair.cpu.perSecond)} ${unit} | ${f1(pair.provider.perSecond)} ${unit} | ${f2(pair.provider.perSecond / pair.cpu.perSecond)}x | ${f2(pair.provider.msPerCall)} | ${f2(pair.provider.cpuMsPerItem)} |`;
  return [
    '',
    `### Model only: ${p.provider} beside the CPU provider (same run)`,
    '',
    `| floor | CPU provider | ${p.provider} | ${p.provider} / CPU | ${p.provider} ms per call | ${p.provider} host CPU ms each |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...p.batches.map((b) => row(`window mode, batch ${b}`, p.window[String(b)]!, 'stacks/s')),
    row('streaming mode, batch 1', p.streaming, 'frames/s'),
    '',
    `Largest output difference from the CPU provider on the same input: window ${p.maxAbsDiffVsCpu.window.toExponential(2)}, streaming (12 frames, state included) ${p.maxAbsDiffVsCpu.streaming.toExponential(2)}.`,
    `Inputs and outputs cross between host and ${p.provider} memory on every call, as they do in the pipeline.`,
  ];
}

function pipelineSection(r: BenchResult): string[] {
  return [
    '### Pipelines',
    '',
    '| scenario | frames/s | latency p50 ms | p95 | p99 | dropped | CPU ms/frame | ffmpeg CPU ms/frame | peak RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    runRow(`archive, window mode, batch ${r.batch}`, r.archive?.window),
    runRow('archive, streaming mode', r.archive?.streaming),
    ...(r.archive?.windowNoText ? [runRow(`archive, window mode, batch ${r.batch}, no text removal`, r.archive.windowNoText)] : []),
    ...(r.archive?.windowNoTextSpin
      ? [runRow(`archive, window mode, batch ${r.batch}, no text removal, spin-waiting threads`, r.archive.windowNoTextSpin)]
      : []),
    ...(r.archive?.dicomWindow ? [runRow(`archive, JPEG DICOM, window mode, batch ${r.batch}`, r.archive.dicomWindow)] : []),
    ...(r.archive?.dicomWindowNoText ? [runRow(`archive, JPEG DICOM, window mode, batch ${r.batch}, no text removal`, r.archive.dicomWindowNoText)] : []),
    runRow('live 30 fps, window mode, batch 1', r.live?.window),
    runRow('live 30 fps, streaming mode', r.live?.streaming),
    ...(r.live?.windowNoText ? [runRow('live 30 fps, window mode, no text removal', r.live.windowNoText)] : []),
    ...(r.live?.streamingNoText ? [runRow('live 30 fps, streaming mode, no text removal', r.live.streamingNoText)] : []),
    '',
    r.archive
      ? `Archive, window mode: ${f2(r.archive.ratioToModelOnly)}x model-only throughput at batch ${r.batch} with text removal` +
        (r.archive.ratioToModelOnlyNoText !== undefined ? `, ${f2(r.archive.ratioToModelOnlyNoText)}x without it` : '') +
        `; ${f2(r.archive.ratioToDecodeOnly)}x decode-only.` +
        (r.archive.dicomRatioToModelOnly !== undefined
          ? ` From the JPEG DICOM: ${f2(r.archive.dicomRatioToModelOnly)}x with text removal` +
            (r.archive.dicomRatioToModelOnlyNoText !== undefined ? `, ${f2(r.archive.dicomRatioToModelOnlyNoText)}x without it.` : '.')
          : '')
      : '',
    'Latency is capture (the frame entering the pipeline) to its verdict-state event; archive latencies include waiting for a batch to fill.',
    '',
    `Per-stage residence time, archive window mode:`,
    ...stageTable(r.archive?.window),
    '',
    `Per-stage residence time, live streaming mode:`,
    ...stageTable(r.live?.streaming),
  ];
}

export function benchMarkdown(r: BenchResult): string {
  const m = r.machine;
  type Rate = { stacks_per_s?: number; frames_per_s?: number };
  const torch = r.torch as { window?: Record<string, Rate>; streaming?: Record<string, Rate>; error?: string } | undefined;
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GiB, ${m.platform}; Node ${m.node}, onnxruntime-node ${m.onnxruntime}; pipelines on the ${r.provider ?? 'cpu'} execution provider, floors on the CPU provider unless a row says otherwise.`,
    r.input
      ? `Input: ${r.input.file}${r.input.dicomFile ? ` and the same exam as ${r.input.dicomFile} (JPEG baseline DICOM)` : ''} (${r.input.frames} frames, phantom exam written by \`autodvt synth\`); model ${r.model}; text removal ${r.textRemoval ? 'included' : 'not registered (not included)'}.`
      : `Model ${r.model}; model-only floors, no pipeline (scenario \`model\`).`,
    ...providerTable(r.providerFloors),
    '',
    '### Floors (same run)',
    '',
    '| floor | per second | CPU ms each |',
    '| --- | --- | --- |',
    ...(r.input
      ? [
          `| decode only (video-file source, no stages) | ${f1(r.floors.decodeOnly?.framesPerSecond)} frames/s | ${f2(r.floors.decodeOnly?.cpuMsPerFrame)} + ffmpeg ${f2(r.floors.decodeOnly?.childCpuMsPerFrame)} |`,
          ...(r.floors.decodeOnlyDicom
            ? [
                `| decode only, JPEG DICOM (dicom-cine source, no stages) | ${f1(r.floors.decodeOnlyDicom.framesPerSecond)} frames/s | ${f2(r.floors.decodeOnlyDicom.cpuMsPerFrame)} |`,
              ]
            : []),
        ]
      : []),
    floorRow(`model only, window mode, batch ${r.batch}`, r.floors.modelWindowBatchN, 'stacks/s'),
    floorRow('model only, window mode, batch 1', r.floors.modelWindowBatch1, 'stacks/s'),
    floorRow('model only, streaming mode, batch 1', r.floors.modelStreamingBatch1, 'frames/s', ` (${f2(r.streamingSpeedup)}x window batch 1)`),
    floorRow('model only, window mode, batch 1, 1 thread', r.floors.modelWindowBatch1OneThread, 'stacks/s'),
    floorRow(
      'model only, streaming mode, batch 1, 1 thread',
      r.floors.modelStreamingBatch1OneThread,
      'frames/s',
      ` (${f2(r.streamingSpeedupOneThread)}x window batch 1, 1 thread)`,
    ),
    floorRow(`model only, window mode, batch ${r.batch}, spin-waiting threads`, r.floors.modelWindowBatchNSpin, 'stacks/s'),
    floorRow('model only, window mode, batch 1, spin-waiting threads', r.floors.modelWindowBatch1Spin, 'stacks/s'),
    floorRow(
      'model only, streaming mode, batch 1, spin-waiting threads',
      r.floors.modelStreamingBatch1Spin,
      'frames/s',
      ` (${f2(r.streamingSpeedupSpin)}x window batch 1, spinning)`,
    ),
    '',
    'All floors and pipelines use `spinWait: false` (idle onnxruntime threads sleep) unless the row says "spin-waiting" (onnxruntime\'s own default).',
    'CPU is user + system time of the whole process (every thread: the model\'s, garbage collection) per stack or frame; "ffmpeg" is the decoder process (Linux only).',
    '',
    ...(r.input ? pipelineSection(r) : []),
  ];
  if (torch) {
    lines.push('', '### Against the paper and PyTorch eager (same machine, same run)', '');
    if (torch.error) lines.push(`PyTorch eager: not measured (${torch.error}).`);
    lines.push(
      '| implementation | frames/s (stacks/s) |',
      '| --- | --- |',
      '| paper, Xeon CPU | 14 |',
      '| paper, K80 GPU | 20 |',
      ...Object.entries(torch.window ?? {}).map(([k, v]) => `| PyTorch eager, window, ${k.replace('batch', 'batch ')} | ${f1(v.stacks_per_s)} |`),
      ...Object.entries(torch.streaming ?? {}).map(([k, v]) => `| PyTorch eager, streaming, ${k.replace('batch', 'batch ')} | ${f1(v.frames_per_s)} |`),
      `| this project, model only, window batch 1 | ${f1(r.floors.modelWindowBatch1?.perSecond)} |`,
      `| this project, model only, streaming | ${f1(r.floors.modelStreamingBatch1?.perSecond)} |`,
      `| this project, whole pipeline, archive window batch ${r.batch} | ${f1(r.archive?.window.framesPerSecond)} |`,
      `| this project, whole pipeline, archive streaming | ${f1(r.archive?.streaming.framesPerSecond)} |`,
    );
  }
  return lines.join('\n') + '\n';
}
