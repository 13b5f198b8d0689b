/**
 * What the HUD server sends its page over the WebSocket.
 *
 * Text messages are JSON (`hello` once, then `update`s). Binary messages are images:
 *   byte 0      kind: 1 = the live frame, 2 = a saliency heatmap (gray, 0..255)
 *   bytes 1-4   seq of the frame the image belongs to (uint32 little-endian)
 *   bytes 5-8   running count of frames that reached the sink (uint32 LE): gaps
 *               between two received frames are frames this client skipped
 *   bytes 9-    the PNG
 * The page never sends anything but the connection itself.
 */
import type { OverlaySnapshot, TimelineSample } from '../../render/overlay-state.js';
import type { Landmark } from '../../core/events.js';

export const FRAME_IMAGE = 1;
export const SALIENCY_IMAGE = 2;
export const IMAGE_HEADER_BYTES = 9;

export interface HelloMessage {
  type: 'hello';
  disclaimer: string;
  timelineS: number;
  palette: unknown;
}

/** A timeline sample as a compact row: [n, ptsMs, P(BG), P(LM1), P(LM2), pClosed, state landmark (-1 none), vein (-1 none, 0 open, 1 closed, 2 unknown)]. */
export type SampleRow = [number, number, number, number, number, number, number, number];

export interface UpdateMessage {
  type: 'update';
  /** Changes when a new exam starts: the page drops its timeline. */
  examGeneration: number;
  status: OverlaySnapshot;
  /** New timeline samples (and the last few again, whose state may have arrived since). */
  samples: SampleRow[];
  stats: HudStreamStats;
  /** The stream has ended; the server stays up for keepOpenS. */
  ended?: boolean;
  /** The latest prediction's in-distribution score, when the model has one: an unknown window shows as `unknown`. */
  inDistribution?: { unknown: boolean; score: number; threshold: number; image?: { score: number; threshold: number }; flags?: string[] };
}

export interface HudStreamStats {
  /** Frames per second arriving at the sink (last second). */
  pipelineFps: number;
  /** Frames that reached the sink. */
  frames: number;
  /** Dropped frames reported by the pipeline (`metrics` counters.dropped). */
  dropped: number;
  /** End-to-end latency p99 from the pipeline's metrics, when known. */
  latencyP99Ms?: number;
}

const LANDMARK_INDEX: Record<Landmark, number> = { BG: 0, LM1: 1, LM2: 2 };
const VEIN_INDEX = { open: 0, closed: 1, unknown: 2 } as const;

export function sampleRow(s: TimelineSample): SampleRow {
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return [
    s.n,
    Math.round(s.ptsMs),
    r(s.landmark.BG),
    r(s.landmark.LM1),
    r(s.landmark.LM2),
    r(s.pClosed),
    s.state ? LANDMARK_INDEX[s.state.landmark] : -1,
    s.state ? VEIN_INDEX[s.state.vein] : -1,
  ];
}

export function imageMessage(kind: number, seq: number, frameCount: number, png: Buffer): Buffer {
  const out = Buffer.allocUnsafe(IMAGE_HEADER_BYTES + png.length);
  out.writeUInt8(kind, 0);
  out.writeUInt32LE(seq >>> 0, 1);
  out.writeUInt32LE(frameCount >>> 0, 5);
  png.copy(out, IMAGE_HEADER_BYTES);
  return out;
}
