/**
 * The HUD's server-side state and its fan-out to browsers. Events update one
 * OverlayState; each connected page gets what changed since it last heard from us.
 *
 * Memory stays flat whatever the browsers do: there is no per-client queue. The hub
 * keeps only the newest frame (latest wins) and the bounded timeline; a client gets
 * something new only when its previous send has left the process (ws send callback)
 * and its socket buffer is below `maxBufferedBytes`. A slow page therefore gets fewer
 * frames, never a backlog; a page that stops reading gets nothing more.
 */
import type WebSocket from 'ws';
import { DISCLAIMER, type FrameEvent, type InDistribution, type PipelineEvent } from '../../core/events.js';
import { resizeGray } from '../../image/area-resize.js';
import { encodeGrayPng } from '../../render/encode-png.js';
import { OverlayState } from '../../render/overlay-state.js';
import { cssPalette } from '../../render/palette.js';
import { saliencyToGray } from '../../render/saliency-map.js';
import { FRAME_IMAGE, imageMessage, SALIENCY_IMAGE, sampleRow, type HelloMessage, type HudStreamStats, type UpdateMessage } from './protocol.js';
import type { Clock } from '../../core/context.js';

export interface HudHubOptions {
  clock: Clock;
  maxFps: number;
  maxWidth: number;
  timelineS: number;
  /** Above this many bytes waiting in a client's socket, it gets nothing new. */
  maxBufferedBytes: number;
}

/** What the hub holds, for tests and the page's counters. */
export interface HudHubStats {
  clients: number;
  /** Frames that reached the sink. */
  frames: number;
  /** Frames encoded for sending (at most maxFps a second, only while a client can take one). */
  encoded: number;
  /** Frame messages handed to sockets, all clients together. */
  framesSent: number;
  /** Bytes waiting in client sockets now (ws.bufferedAmount summed). */
  bufferedBytes: number;
  /** The most any one client's socket held, over the run. */
  maxBufferedBytes: number;
  /** Images held for sending: the newest frame and heatmap only, never a queue. */
  pendingImages: number;
}

interface Client {
  ws: WebSocket;
  /** Sends handed to the socket whose callback has not fired yet. */
  inFlight: number;
  version: number;
  examGeneration: number;
  /** Next timeline sample number this client has not had. */
  cursor: number;
  frameId: number;
  saliencyId: number;
  ended: boolean;
}

/** Samples re-sent with every update: their smoothed state may have arrived after them. */
const RESEND_SAMPLES = 16;

export class HudHub {
  readonly overlay: OverlayState;
  private readonly clients = new Set<Client>();
  private latestFrame?: { id: number; frame: FrameEvent; count: number };
  private encodedFrame?: { id: number; message: Buffer };
  private encodedSaliency?: { id: number; message: Buffer };
  private frameIds = 0;
  private frameCount = 0;
  private lastEncodeAt = -Infinity;
  private pumpScheduled = false;
  private cancelPump?: () => void;
  private fpsWindow: number[] = [];
  private dropped = 0;
  private latencyP99Ms?: number;
  private ended = false;
  private readonly counters = { encoded: 0, framesSent: 0, maxBufferedBytes: 0 };

  /** The latest prediction's in-distribution score (the page shows an unknown window as `unknown`). */
  private inDistribution: InDistribution | undefined;

  constructor(private readonly options: HudHubOptions) {
    this.overlay = new OverlayState({ timelineMs: options.timelineS * 1000, maxSamples: Math.ceil(options.timelineS * 240) });
  }

  write(event: PipelineEvent): void {
    if (event.kind === 'frame') {
      this.frameCount++;
      this.latestFrame = { id: ++this.frameIds, frame: event, count: this.frameCount };
      const now = this.options.clock.monotonic();
      this.fpsWindow.push(now);
      while (this.fpsWindow.length > 0 && this.fpsWindow[0]! < now - 1000) this.fpsWindow.shift();
    } else if (event.kind === 'metrics') {
      if (typeof event.counters.dropped === 'number') this.dropped = event.counters.dropped;
      if (event.latencyMs) this.latencyP99Ms = event.latencyMs.p99;
    } else if (event.kind === 'prediction') {
      this.inDistribution = event.inDistribution;
      const before = this.overlay.saliency;
      this.overlay.apply(event);
      const after = this.overlay.saliency;
      if (after && after !== before) {
        const gray = saliencyToGray(after.map);
        this.encodedSaliency = {
          id: after.seq + 1,
          message: imageMessage(SALIENCY_IMAGE, after.seq, this.frameCount, encodeGrayPng(gray, after.map.width, after.map.height)),
        };
      }
    } else {
      if (event.kind === 'exam-start') {
        this.encodedSaliency = undefined;
        this.inDistribution = undefined;
      }
      this.overlay.apply(event);
    }
    this.schedulePump();
  }

  /** The stream ended: tell the pages (they keep showing the last state). */
  end(): void {
    this.ended = true;
    this.pumpNow();
  }

  hello(): HelloMessage {
    return { type: 'hello', disclaimer: DISCLAIMER, timelineS: this.options.timelineS, palette: cssPalette() };
  }

  add(ws: WebSocket): void {
    const client: Client = { ws, inFlight: 0, version: -1, examGeneration: -1, cursor: 0, frameId: 0, saliencyId: 0, ended: false };
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    this.sendTo(client, JSON.stringify(this.hello()));
    this.schedulePump();
  }

  stats(): HudHubStats {
    let buffered = 0;
    for (const c of this.clients) buffered += c.ws.bufferedAmount;
    return {
      clients: this.clients.size,
      frames: this.frameCount,
      encoded: this.counters.encoded,
      framesSent: this.counters.framesSent,
      bufferedBytes: buffered,
      maxBufferedBytes: this.counters.maxBufferedBytes,
      pendingImages: (this.latestFrame ? 1 : 0) + (this.encodedFrame ? 1 : 0) + (this.encodedSaliency ? 1 : 0),
    };
  }

  close(): void {
    this.cancelPump?.();
    this.cancelPump = undefined;
    this.clients.clear();
  }

  private streamStats(): HudStreamStats {
    return {
      pipelineFps: this.fpsWindow.length,
      frames: this.frameCount,
      dropped: this.dropped,
      ...(this.latencyP99Ms !== undefined ? { latencyP99Ms: Math.round(this.latencyP99Ms) } : {}),
    };
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.clients.size === 0) return;
    this.pumpScheduled = true;
    setImmediate(() => this.pumpNow());
  }

  private pumpNow(): void {
    this.pumpScheduled = false;
    const ready = [...this.clients].filter((c) => this.canSend(c));
    if (ready.length === 0) return;
    const frame = this.frameFor(ready);
    for (const c of ready) this.pump(c, frame);
  }

  private canSend(c: Client): boolean {
    const buffered = c.ws.bufferedAmount;
    if (buffered > this.counters.maxBufferedBytes) this.counters.maxBufferedBytes = buffered;
    return c.ws.readyState === c.ws.OPEN && c.inFlight === 0 && buffered <= this.options.maxBufferedBytes;
  }

  /** Encode the newest frame when some ready client lacks it and the frame rate allows. */
  private frameFor(ready: Client[]): { id: number; message: Buffer } | undefined {
    const latest = this.latestFrame;
    if (!latest) return this.encodedFrame;
    if (this.encodedFrame?.id === latest.id || !ready.some((c) => c.frameId !== latest.id)) return this.encodedFrame;
    const now = this.options.clock.monotonic();
    const wait = this.lastEncodeAt + 1000 / this.options.maxFps - now;
    if (wait > 0) {
      // Too soon: come back for it (the newest frame then, whatever it is).
      if (!this.cancelPump) {
        this.cancelPump = this.options.clock.after(Math.ceil(wait), () => {
          this.cancelPump = undefined;
          this.pumpNow();
        });
      }
      return this.encodedFrame;
    }
    this.lastEncodeAt = now;
    this.counters.encoded++;
    const { frame } = latest;
    let { pixels, width, height } = frame;
    if (width > this.options.maxWidth) {
      const w = this.options.maxWidth;
      const h = Math.max(1, Math.round((height * w) / width));
      ({ pixels, width, height } = resizeGray(frame, w, h));
    }
    this.encodedFrame = { id: latest.id, message: imageMessage(FRAME_IMAGE, frame.seq, latest.count, encodeGrayPng(pixels, width, height)) };
    this.latestFrame = undefined; // the encoded copy is enough now
    return this.encodedFrame;
  }

  private pump(c: Client, frame: { id: number; message: Buffer } | undefined): void {
    const overlay = this.overlay;
    const newFrame = frame !== undefined && frame.id !== c.frameId;
    // A new frame also refreshes the counters, so the update goes with it.
    if (newFrame || c.version !== overlay.version || c.examGeneration !== overlay.examGeneration || this.ended !== c.ended) {
      const samples = overlay.samples;
      const newExam = c.examGeneration !== overlay.examGeneration;
      const from = newExam ? 0 : Math.max(0, c.cursor - RESEND_SAMPLES);
      const rows = samples.filter((s) => s.n >= from).map(sampleRow);
      const update: UpdateMessage = {
        type: 'update',
        examGeneration: overlay.examGeneration,
        status: overlay.snapshot,
        samples: rows,
        stats: this.streamStats(),
        ...(this.ended ? { ended: true } : {}),
        ...(this.inDistribution ? { inDistribution: this.inDistribution } : {}),
      };
      c.version = overlay.version;
      c.examGeneration = overlay.examGeneration;
      c.cursor = samples.length > 0 ? samples.at(-1)!.n + 1 : 0;
      c.ended = this.ended;
      this.sendTo(c, JSON.stringify(update));
    }
    if (newFrame) {
      c.frameId = frame.id;
      this.counters.framesSent++;
      this.sendTo(c, frame.message);
    }
    const sal = this.encodedSaliency;
    if (sal && sal.id !== c.saliencyId) {
      c.saliencyId = sal.id;
      this.sendTo(c, sal.message);
    }
  }

  private sendTo(c: Client, data: string | Buffer): void {
    c.inFlight++;
    c.ws.send(data, (err) => {
      c.inFlight--;
      if (err) {
        this.clients.delete(c);
        return;
      }
      if (c.inFlight === 0) this.schedulePump();
    });
  }
}
