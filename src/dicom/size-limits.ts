/**
 * What a DICOM file may declare and what inflating one may produce, checked before
 * anything is allocated: a header that claims a billion frames, a 65535x65535 frame
 * or a dataset that inflates to gigabytes is refused with a message, never allowed
 * to exhaust memory.
 *
 * Limits (why these numbers):
 * - one decoded frame at most 256 MiB of samples (16384x16384 8-bit RGB is 768 MiB;
 *   the largest ultrasound frames are about 1920x1080x3, 6 MiB);
 * - at most 10 million frames (an hour at 60 frames/s is 216,000), and never more
 *   frames than the pixel data can hold (native: frames x frame size bytes;
 *   encapsulated: one fragment at least per frame, PS3.5 A.4);
 * - inflating (a deflated dataset, a zipped DICOM) stops at 200 times the compressed
 *   size, with a floor of 64 MiB and a ceiling of 1 GiB: real DICOM deflates 2-20
 *   fold, a decompression bomb about 1000 fold.
 */
export const MAX_FRAME_SAMPLE_BYTES = 256 * 1024 * 1024;
export const MAX_FRAMES = 1_000_000;
export const MAX_INFLATION_RATIO = 200;
export const MIN_INFLATION_BUDGET = 64 * 1024 * 1024;
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/** How many bytes inflating `compressedBytes` may produce before it is refused. */
export function inflationBudget(compressedBytes: number): number {
  return Math.min(MAX_INFLATED_BYTES, Math.max(MIN_INFLATION_BUDGET, compressedBytes * MAX_INFLATION_RATIO));
}

/** Bytes as a person reads them: 1.5 GiB, 64 MiB, 900 bytes. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1).replace(/\.0$/, '')} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}
