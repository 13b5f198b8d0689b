/**
 * Continual (streaming) inference: the 3D convolutions have temporal stride 1 and
 * no temporal padding, so each new frame needs only the newest temporal slice of
 * every Conv3d if the earlier slices are cached. The streaming export takes one
 * frame plus the cached state and returns predictions plus the new state; this
 * keeps that state per exam and emits a prediction from the (warmup+1)-th frame on,
 * equal to the window model's on the same 9 frames.
 */
import { AutodvtError } from '../../core/errors.js';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Clock } from '../../core/context.js';
import type { FrameEvent, PredictionEvent } from '../../core/events.js';
import { inputAffine, type ModelInfo, type StreamingSpec } from '../../model/model-info.js';
import { onnxruntime } from '../../model/onnxruntime.js';
import { inDistributionOf, regionFlags, sameFrame } from './in-distribution.js';
import type { QualityFlag } from '../../core/events.js';

export class StreamingModel {
  private readonly spec: StreamingSpec;
  private state: Tensor[] | undefined;
  private fed = 0;
  private examId: string | undefined;
  private lastSeq = -1;
  private lastPixels: Uint8Array | undefined;
  private readonly input: Float32Array;

  constructor(
    private readonly session: InferenceSession,
    private readonly info: ModelInfo,
    private readonly clock: Clock,
    private readonly maxGapFrames: number,
  ) {
    if (!info.streaming) {
      throw new AutodvtError(`${info.file} is not a streaming model (no autodvt.streaming metadata); export one with training/export_streaming.py`, {
        scope: 'stage:onnx-inference',
        category: 'config',
      });
    }
    this.spec = info.streaming;
    this.input = new Float32Array(info.height * info.width);
  }

  private async zeroState(): Promise<Tensor[]> {
    const ort = await onnxruntime();
    return this.spec.state.map((s) => {
      const dims = s.shape.map((d) => (typeof d === 'number' ? d : 1));
      return new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    });
  }

  /** Feed one frame; returns a prediction once the state covers a full window. */
  async push(frame: FrameEvent): Promise<PredictionEvent | undefined> {
    const { info } = this;
    if (frame.width !== info.width || frame.height !== info.height) {
      throw new AutodvtError(`frame ${frame.seq} is ${frame.width}x${frame.height}, the streaming model takes ${info.width}x${info.height}: resize first`, {
        scope: 'stage:onnx-inference',
        category: 'config',
      });
    }
    const gap = frame.seq - this.lastSeq - 1;
    if (!this.state || frame.source.examId !== this.examId || (this.lastSeq >= 0 && gap > this.maxGapFrames)) {
      this.state = await this.zeroState();
      this.fed = 0;
      this.examId = frame.source.examId;
      this.lastPixels = undefined;
    }
    const frozen = sameFrame(frame.pixels, this.lastPixels);
    this.lastPixels = frame.pixels;
    this.lastSeq = frame.seq;
    const { a, b } = inputAffine(info, 'pixel');
    const px = frame.pixels;
    for (let i = 0; i < px.length; i++) this.input[i] = a * px[i]! + b;
    const ort = await onnxruntime();
    const feeds: Record<string, Tensor> = { [this.spec.frame.name]: new ort.Tensor('float32', this.input, [1, 1, 1, info.height, info.width]) };
    this.spec.state.forEach((s, k) => (feeds[s.input] = this.state![k]!));
    const t0 = this.clock.monotonic();
    const out = await this.session.run(feeds);
    const latencyMs = this.clock.monotonic() - t0;
    this.state = this.spec.state.map((s) => out[s.output] as Tensor);
    this.fed++;
    if (this.fed <= this.spec.warmup_frames) return undefined;
    const landmark = out.landmark?.data as Float32Array | undefined;
    const vein = out.vein?.data as Float32Array | undefined;
    const li = (name: string) => info.landmarkClasses.indexOf(name);
    const score = info.inDistribution ? (out[info.inDistribution.output]?.data as Float32Array | undefined)?.[0] : undefined;
    const flags: QualityFlag[] = [...(frozen ? (['frozen-frame'] as const) : []), ...regionFlags(frame.meta)];
    const inDistribution = inDistributionOf(info, score, flags, frame);
    return {
      kind: 'prediction',
      seq: frame.seq,
      ptsMs: frame.ptsMs,
      captureTimeMs: frame.captureTimeMs,
      examId: frame.source.examId,
      landmark: landmark ? { BG: landmark[li('BG')]!, LM1: landmark[li('LM1')]!, LM2: landmark[li('LM2')]! } : { BG: 1 / 3, LM1: 1 / 3, LM2: 1 / 3 },
      pClosed: vein ? vein[info.veinClasses.indexOf('closed')]! : 0.5,
      modelId: info.modelId,
      latencyMs,
      labels: frame.labels,
      ...(inDistribution ? { inDistribution } : {}),
      ...(frame.meta.pixelSpacingMm ? { pixelSpacingMm: frame.meta.pixelSpacingMm } : {}),
    };
  }
}
