/** Why an exam ended `incomplete`, where more than one part of the code must recognise the reason. */

/** Most of the exam's windows were unlike what the model was trained on (`inDistribution.unknown`). */
export const UNLIKE_TRAINING = "images unlike the model's training data";

/**
 * The part of an exam's `incompleteReason` that says its input was lost or cut short (a
 * source ended early, a pipe closed), or undefined when the only reason is that the images
 * were unlike the training data: such an exam ran to its end and its `incomplete` verdict is
 * the result, not a failure to retry.
 */
export function inputLossOf(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  const rest = reason
    .split('; ')
    .filter((part) => part !== UNLIKE_TRAINING)
    .join('; ');
  return rest || undefined;
}
