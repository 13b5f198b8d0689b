/** The parameters every live source shares (capture-device, stdin): exam id, timeouts, reconnect policy, end of stream. */
import { z } from 'zod';
import { reconnectSchema } from './reconnect-policy.js';

export const liveSourceOptions = {
  examId: z.string().min(1).optional().describe('Exam id for the events (default: live-<start time, UTC>). Never put a patient name here.'),
  stallTimeoutMs: z
    .number()
    .int()
    .min(1)
    .default(2000)
    .describe('No frame for this long after the last one means the input stalled: warn, then reconnect (or, on standard input, keep waiting).'),
  openTimeoutMs: z
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe('Longest wait for the first frame of a connection (device start-up, network connect, a new writer on a named pipe).'),
  reconnect: reconnectSchema.prefault({}),
  maxFrames: z.number().int().min(1).optional().describe('Stop after this many frames (tests, rehearsals).'),
};

export type OnEnd = 'finish' | 'reconnect';

export const onEndSchema = z
  .enum(['finish', 'reconnect'])
  .describe('When the input ends cleanly (end of stream): finish the exam, or treat it as a lost input and reconnect.');
