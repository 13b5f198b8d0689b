/**
 * The ffmpeg command line both decoders run, so that they give the same frames and
 * the same timestamps: first video stream only, every decoded frame passed through
 * unchanged in number (`passthrough`: no duplication or dropping to a constant rate),
 * a showinfo filter that logs each frame's pts and size, and 8-bit gray raw output.
 *
 * The decoder runs with `-flags +bitexact`: native ffmpeg otherwise picks CPU-specific
 * (SIMD) code paths that the wasm build (plain C) lacks, and on MPEG-4 Part 2 the two
 * then differ by up to 2 gray levels on a few pixels, which prediction carries into
 * later frames (9 pixels in 450 frames of ge_logiqbooke_brachial_color.mov with native
 * ffmpeg 5.1 on an AVX-512 CPU). With it, both give byte-identical frames on every
 * fixture clip (test/video/native-vs-wasm.test.ts), at no measurable cost in speed.
 */

export interface DecodeArgsOptions {
  input: string;
  output: string;
  maxFrames?: number;
  /** ffmpeg older than 5: spell `-fps_mode` as `-vsync`, and keep showinfo's checksums (no option to skip them). */
  legacyFfmpeg?: boolean;
}

export function decodeArgs(opts: DecodeArgsOptions): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    // level+info: showinfo logs at info; the level tag tells errors apart.
    '-loglevel',
    'repeat+level+info',
    // Bit-exact decoding, the same on every CPU and in the wasm build (see above).
    '-flags',
    '+bitexact',
    '-i',
    opts.input,
    '-map',
    '0:v:0',
    '-vf',
    opts.legacyFfmpeg ? 'showinfo' : 'showinfo=checksum=0',
    opts.legacyFfmpeg ? '-vsync' : '-fps_mode',
    'passthrough',
    ...(opts.maxFrames !== undefined ? ['-frames:v', String(opts.maxFrames)] : []),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    // Write each frame as soon as it is encoded (live sources: no 32 kB output buffering delay).
    '-flush_packets',
    '1',
    opts.output,
  ];
}
