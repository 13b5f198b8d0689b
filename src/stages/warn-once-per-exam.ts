/**
 * A stage's warning that would repeat on every frame of an exam, said once per exam
 * (`physical-scale` and `field-of-view` on a frame whose spacing they cannot use).
 */
import type { BuildContext } from '../core/context.js';

export function warnOncePerExam(ctx: Pick<BuildContext, 'warn'>): (examId: string, message: string) => void {
  const warned = new Set<string>();
  return (examId, message) => {
    if (warned.has(examId)) return;
    warned.add(examId);
    ctx.warn(message, { examId });
  };
}
