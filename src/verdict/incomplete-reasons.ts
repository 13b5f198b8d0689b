/** Why an exam ended `incomplete`, where more than one part of the code must recognise the reason. */

/** Most of the exam's windows were unlike what the model was trained on (`inDistribution.unknown`). */
export const UNLIKE_TRAINING = "images unlike the model's training data";
