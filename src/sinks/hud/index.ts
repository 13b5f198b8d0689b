/**
 * hud — a live heads-up display in the browser: a local web page (HTTP +
 * WebSocket) showing the newest frame with the reported landmark and vein state, a
 * verdict badge per landmark, a probability timeline like the paper's Fig. 2h, a
 * saliency overlay when predictions carry heatmaps, frame-rate and dropped-frame
 * counters, and the exam verdict with the research-software disclaimer.
 *
 * Consumes: `frame`, `prediction` (optional `saliency`), `state`, `verdict`,
 *   `exam-start`, `exam`, `metrics` (counters.dropped, latency). Emits: nothing (a sink).
 * Parameters:
 *   host        address to listen on (default 127.0.0.1: this machine only)
 *   port        TCP port; 0 picks a free one (default 8750). The URL is printed.
 *   token       the page and the socket need `?token=<token>`; a random one is made
 *               when none is set (always required; the printed URL carries it)
 *   maxFps      frames sent to a page per second at most (default 15)
 *   maxWidth    frames wider than this are downscaled before sending (default 640)
 *   timelineS   seconds of timeline on the page (default 10)
 *   keepOpenS   keep serving this long after the stream ends (default 0)
 * Notes: never keeps a backlog — each page gets the newest frame when its socket
 *   has room (slow pages get fewer frames); memory does not grow with slow or stuck
 *   pages. Sends no patient attributes and no recognised text. The sink completes
 *   (and the server closes) when the stream ends, after keepOpenS.
 *
 * ```yaml
 * - type: hud
 *   port: 8750
 *   keepOpenS: 30
 * ```
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineSink } from '../../core/unit.js';
import { sinkOperator, type SinkWriter } from '../sink-operator.js';
import { HudHub } from './hud-hub.js';
import { startHudServer, type HudServer } from './hud-server.js';
import { hudPage } from './page.js';
import { sleep, type BuildContext } from '../../core/context.js';
import type { PipelineEvent } from '../../core/events.js';

const SCOPE = 'sink:hud';

const schema = z
  .object({
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address to listen on; the default serves this machine only. Use 0.0.0.0 only on a trusted network, with a token.'),
    port: z.number().int().min(0).max(65535).default(8750).describe('TCP port; 0 picks a free one. The page URL is printed when the server starts.'),
    token: z
      .string()
      .min(8)
      .optional()
      .describe(
        'Access token (8+ characters) that the page and its socket need as ?token=<token>. When not set, a random token is made at start; the printed URL carries it.',
      ),
    maxFps: z.number().positive().max(120).default(15).describe('Frames sent to each page per second at most (slow pages get fewer).'),
    maxWidth: z.number().int().min(32).max(4096).default(640).describe('Frames wider than this are downscaled before sending.'),
    timelineS: z.number().positive().max(600).default(10).describe('Seconds of probability timeline shown on the page.'),
    keepOpenS: z.number().min(0).max(86400).default(0).describe('Keep serving the page this many seconds after the stream ends.'),
  })
  .strict();

type Config = z.infer<typeof schema>;

/** Bytes a page's socket may hold before it gets nothing new (about one large frame). */
const MAX_BUFFERED_BYTES = 1 << 20;

export const hudSink = defineSink({
  type: 'hud',
  summary: 'Live heads-up display in the browser: frame, landmark, vein state, verdict badges, probability timeline, counters.',
  schema,
  perExam: { skip: 'one server on one port cannot serve exams running at once' },
  example: { type: 'hud', port: 8750, keepOpenS: 30 },
  stdout: () => 'status', // the URL to open
  build(config, ctx) {
    return sinkOperator(() => openHud(config, ctx));
  },
});

async function openHud(config: Config, ctx: BuildContext): Promise<SinkWriter> {
  const hub = new HudHub({
    clock: ctx.clock,
    maxFps: config.maxFps,
    maxWidth: config.maxWidth,
    timelineS: config.timelineS,
    maxBufferedBytes: MAX_BUFFERED_BYTES,
  });
  const server: HudServer = await startHudServer({
    host: config.host,
    port: config.port,
    token: config.token ?? randomBytes(18).toString('base64url'),
    page: hudPage(),
    onClient: (ws) => hub.add(ws),
    scope: SCOPE,
    clock: ctx.clock,
  });
  if (!['127.0.0.1', '::1', 'localhost'].includes(config.host)) {
    // Straight to stderr as well: a pipeline without a console sink would not show the warning event.
    const message = `the HUD listens on ${config.host}: other machines can reach it (anyone with the URL's token can watch the exam)`;
    ctx.stderr.write(`warning [${SCOPE}] ${message}\n`);
    ctx.warn(message);
  }
  ctx.stdout.write(`HUD: ${server.url}\n`);
  return {
    write: (event: PipelineEvent) => hub.write(event),
    async close(error?: unknown) {
      hub.end();
      if (error === undefined && config.keepOpenS > 0) await sleep(ctx.clock, config.keepOpenS * 1000, ctx.signal);
      hub.close();
      await server.close();
    },
  };
}
