/**
 * What a live source does when its input goes away or stalls: try again up to
 * `attempts` times, waiting `backoffMs`, then twice as long each time up to
 * `maxBackoffMs`. A connection that delivers a frame starts the count afresh.
 *
 * ```yaml
 * reconnect: { attempts: 3, backoffMs: 500 }
 * ```
 */
import { z } from 'zod';

export const reconnectSchema = z
  .object({
    attempts: z.number().int().min(0).max(1_000_000).default(3).describe('Reconnect attempts after a loss before giving up (0: give up at once).'),
    backoffMs: z.number().int().min(0).default(500).describe('Wait before the first attempt; doubles with each failed attempt.'),
    maxBackoffMs: z.number().int().min(0).default(10_000).describe('Longest wait between two attempts.'),
  })
  .strict()
  .describe('What happens when the input is lost or stalls: how often and how patiently to reconnect.');

export type ReconnectPolicy = z.infer<typeof reconnectSchema>;

/** Wait before attempt `attempt` (1-based). */
export function backoffDelay(policy: ReconnectPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
}
