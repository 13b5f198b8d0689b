/**
 * The pipeline file's top level, and the unit schemas with their `type`. The
 * JSON Schema for editors is generated from the same zod schemas.
 */
import { z } from 'zod';
import { unitsOf } from '../registry.js';
import type { UnitKind, UnitSpec } from '../unit.js';

/** Keys every unit accepts besides its own parameters. */
const commonUnitKeys = {
  id: z.string().min(1).optional().describe('A name for this unit in messages and metrics (default: its type).'),
};

export function unitSchemaWithType(unit: UnitSpec) {
  return z
    .object({
      type: z.literal(unit.type).describe(unit.summary),
      ...commonUnitKeys,
      ...unit.schema.shape,
    })
    .strict()
    .describe(unit.summary);
}

export const flowSchema = z
  .object({
    policy: z
      .enum(['auto', 'block', 'latest', 'drop-newest'])
      .default('auto')
      .describe(
        'What happens when the stages fall behind the source. block: the source waits (file sources only); ' +
          'latest: a bounded queue drops its oldest waiting frames and keeps the newest; drop-newest: arriving frames are dropped while the queue is full; ' +
          'auto: block for file sources, latest for live ones (capture-device, stdin, realtime replay).',
      ),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Most frames between the source (or the live queue) and the sinks at once. Default 64 with block (a file source waits beyond it), 1 with latest/drop-newest (frames wait in the queue, where they can be dropped, not inside a stage).',
      ),
    queue: z
      .number()
      .int()
      .min(1)
      .max(10000)
      .default(4)
      .describe('latest / drop-newest: frames that may wait ahead of the stages; beyond it the policy drops frames (each one counted).'),
    latencyBudgetMs: z
      .number()
      .positive()
      .optional()
      .describe('Warn when a frame takes longer than this from capture to its last result (prediction or state).'),
    metricsIntervalMs: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'Emit a `metrics` event (frames in / processed / dropped, queue depth, latency p50/p95/p99, time per stage) this often, and a final one at the end; 0 = only the final one. Default 1000 for live sources, none for file sources.',
      ),
  })
  .strict()
  .describe('Backpressure, drop policy and latency accounting between the source and the rest of the pipeline.');

/** The top level with units left open (each is checked against its own schema). */
export const pipelineTopSchema = z
  .object({
    version: z.literal(1).default(1).describe('Pipeline file format version.'),
    name: z.string().optional().describe('A short name for this pipeline.'),
    description: z.string().optional().describe('What this pipeline is for.'),
    seed: z.number().int().default(1).describe('Seed for every random choice a unit makes.'),
    flow: flowSchema.prefault({}),
    source: z.looseObject({ type: z.string() }).describe('Where frames come from.'),
    stages: z
      .array(z.looseObject({ type: z.string() }))
      .default([])
      .describe('Processing stages, in order.'),
    sinks: z
      .array(z.looseObject({ type: z.string() }))
      .min(1)
      .describe('Where events go (at least one).'),
  })
  .strict();

export type PipelineTop = z.infer<typeof pipelineTopSchema>;

export interface UnitConfig {
  type: string;
  id?: string;
  [key: string]: unknown;
}

export interface PipelineConfig extends Omit<PipelineTop, 'source' | 'stages' | 'sinks'> {
  source: UnitConfig;
  stages: UnitConfig[];
  sinks: UnitConfig[];
}

function unionOf(kind: UnitKind) {
  const members = unitsOf(kind).map(unitSchemaWithType);
  return members.length === 1 ? members[0]! : z.discriminatedUnion('type', members as [any, any, ...any[]]);
}

/** The full schema (discriminated unions of every registered unit), for JSON Schema. */
export function fullPipelineSchema() {
  return pipelineTopSchema.extend({
    source: unionOf('source').describe('Where frames come from.'),
    stages: z.array(unionOf('stage')).default([]).describe('Processing stages, in order.'),
    sinks: z.array(unionOf('sink')).min(1).describe('Where events go (at least one).'),
  });
}

export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(fullPipelineSchema(), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'autodvt pipeline', $id: 'https://autodvt.dev/schema/pipeline.schema.json' };
}
