/**
 * Resolves a DecoderChoice: `auto` takes native ffmpeg when it runs, else wasm;
 * `native` without an ffmpeg is an error that says how to fix it.
 */
import { AutodvtError } from '../core/errors.js';
import { findNativeFfmpeg, type NativeFfmpeg } from './find-ffmpeg.js';
import type { DecoderChoice } from './video-types.js';

export type ChosenDecoder = { kind: 'native'; bin: NativeFfmpeg } | { kind: 'wasm' };

export function chooseDecoder(choice: DecoderChoice = 'auto'): ChosenDecoder {
  if (choice === 'wasm') return { kind: 'wasm' };
  const bin = findNativeFfmpeg();
  if (bin) return { kind: 'native', bin };
  if (choice === 'native') {
    throw new AutodvtError(`native ffmpeg not found (tried \`${process.env.AUTODVT_FFMPEG || 'ffmpeg'} -version\`)`, {
      scope: 'video',
      category: 'config',
      hint: 'install ffmpeg (apt-get install ffmpeg), set AUTODVT_FFMPEG to its path, or use decoder: auto / wasm',
    });
  }
  return { kind: 'wasm' };
}
