/**
 * The sizes a DICOM header declares (frames x rows x columns x samples), checked
 * against the pixel data the file really holds and against sane limits
 * (size-limits.ts) before anything is allocated for them: a 225 KB file that says it
 * has a billion frames, or an RLE frame of 65535x65535, is refused with a message that
 * names the file, instead of running out of memory.
 */
import type { Element } from 'dicom-parser';
import { InputError } from '../core/errors.js';
import { nativeFrameBytes, type PixelModule } from './pixel-module.js';
import { formatBytes, MAX_FRAME_SAMPLE_BYTES, MAX_FRAMES } from './size-limits.js';

/** `truncated`: the file ends inside its pixel data (read-dataset.ts), so fewer fragments than frames is expected. */
export function checkDeclaredSize(pm: PixelModule, pixel: Element, encapsulated: boolean, truncated: boolean, uri: string): void {
  const frameSampleBytes = pm.rows * pm.columns * pm.samplesPerPixel * Math.max(1, pm.bitsAllocated / 8);
  if (frameSampleBytes > MAX_FRAME_SAMPLE_BYTES) {
    throw new InputError(
      `${uri}: a frame of ${pm.columns}x${pm.rows}x${pm.samplesPerPixel} at ${pm.bitsAllocated} bits would take ${formatBytes(frameSampleBytes)}, ` +
        `more than the ${formatBytes(MAX_FRAME_SAMPLE_BYTES)} allowed`,
      { scope: 'dicom', hint: 'Rows, Columns or Samples per Pixel is probably corrupt' },
    );
  }
  if (pm.frames > MAX_FRAMES) {
    throw new InputError(`${uri}: Number of Frames is ${pm.frames}, more than the ${MAX_FRAMES} allowed`, {
      scope: 'dicom',
      hint: 'the header is probably corrupt',
    });
  }
  if (encapsulated) {
    // PS3.5 A.4: a fragment never holds data of two frames, so each frame takes one fragment at least.
    const fragments = pixel.fragments?.length ?? 0;
    if (pm.frames > fragments && !truncated) {
      throw new InputError(
        `${uri}: Number of Frames is ${pm.frames}, but the encapsulated pixel data holds only ${fragments} fragment${fragments === 1 ? '' : 's'}`,
        { scope: 'dicom', hint: 'the header is corrupt or the file was cut short' },
      );
    }
    return;
  }
  const needed = nativeFrameBytes(pm) * pm.frames;
  if (pixel.length < needed) {
    throw new InputError(
      `${uri}: pixel data holds ${pixel.length} bytes, but ${pm.frames} frame(s) of ${pm.columns}x${pm.rows}x${pm.samplesPerPixel} ` +
        `at ${pm.bitsAllocated} bits need ${needed}`,
      { scope: 'dicom', hint: 'Number of Frames, Rows or Columns is corrupt, or the file was cut short' },
    );
  }
}
