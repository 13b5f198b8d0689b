/**
 * `autodvt label`: label cine loops in the browser. The programmatic API the CLI is
 * thin over: resolve what was given into loops, start a LabelSession over them (frames
 * decoded and text-removed on first open) and serve the page on 127.0.0.1 with a
 * random token. See docs/label.md.
 */
import { randomBytes } from 'node:crypto';
import { resolveLabelInputs } from './label-inputs.js';
import { startLabelServer, type LabelServer } from './label-server.js';
import { LabelSession } from './label-session.js';
import { readLoopFrames } from './loop-frames.js';
import { predictLoop, validatePrelabelStages } from './loop-predictions.js';
import path from 'node:path';
import { stageAdds } from '../core/config/event-flow.js';
import type { UnitConfig } from '../core/config/pipeline-schema.js';

export interface StartLabellingOptions {
  /** A DICOM or video file, a folder of them, or a pipeline file. */
  input: string;
  /** Who labels (saved as `labelledBy`). */
  labelledBy: string;
  /** Port on 127.0.0.1 (0 picks a free one). */
  port: number;
  /** Fixed token (tests); random when not given. */
  token?: string;
  cwd?: string;
  /** Pre-labels from the model (default true); `model` replaces the model of the pre-label stages. */
  prelabels?: boolean;
  model?: string;
  now?: () => Date;
  onError?: (message: string) => void;
}

export interface Labelling {
  url: string;
  loops: number;
  server: LabelServer;
  close(): Promise<void>;
}

export async function startLabelling(options: StartLabellingOptions): Promise<Labelling> {
  const inputs = await resolveLabelInputs(options.input, options.cwd);
  const abort = new AbortController();
  const stages = options.prelabels === false ? undefined : prelabelStagesOf(inputs.prelabelStages, options.model, options.cwd ?? process.cwd());
  // Checked now (stage settings, model file), not when the first loop opens.
  const validStages = stages && validatePrelabelStages(stages, inputs.baseDir);
  const session = new LabelSession({
    loops: inputs.loops,
    labelledBy: options.labelledBy,
    now: options.now,
    prepare: (loop) =>
      readLoopFrames(loop.file, {
        textRemoval: inputs.textRemoval,
        baseDir: inputs.baseDir,
        signal: abort.signal,
        predict: validStages && ((events) => predictLoop(events, validStages, inputs.baseDir, abort.signal)),
      }),
  });
  if (validStages) void session.scoreAll(abort.signal, (loop, message) => options.onError?.(`${loop.name}: ${message}`));
  const server = await startLabelServer({
    session,
    token: options.token ?? randomBytes(18).toString('base64url'),
    port: options.port,
    onError: options.onError,
  });
  return {
    url: server.url,
    loops: inputs.loops.length,
    server,
    async close() {
      abort.abort();
      await server.close();
    },
  };
}

export { LabelSession } from './label-session.js';
export { startLabelServer } from './label-server.js';

/** The pre-label stages, with `--model` (an absolute path) in their model stage (the one that adds predictions). */
function prelabelStagesOf(stages: Record<string, unknown>[] | undefined, model: string | undefined, cwd: string): Record<string, unknown>[] | undefined {
  if (!stages) return undefined;
  if (!model) return stages;
  return stages.map((s) => (stageAdds(s as UnitConfig, 'prediction') ? { ...s, model: path.resolve(cwd, model) } : s));
}
