/**
 * Parses the lines ffmpeg writes to stderr with `-loglevel level+info -vf showinfo`.
 * Pure: one line in, one record out. The showinfo filter logs one line per frame
 * (before the frame reaches the output), which is how both decoders learn each
 * frame's pts and size without a second ffprobe pass.
 */

export type LogRecord =
  /** A frame passed the showinfo filter; its gray bytes follow on the output. */
  | { kind: 'frame'; n: number; pts: number | null; width: number; height: number }
  /** The showinfo filter was (re)configured: time base of the pts that follow. */
  | { kind: 'time-base'; num: number; den: number; frameRate?: { num: number; den: number } }
  /** A message logged at `error` or `fatal` level, without its tags. */
  | { kind: 'error'; message: string }
  | { kind: 'other'; message: string };

const FRAME = /\bn:\s*(\d+)\s+pts:\s*(NOPTS|-?\d+)\s+pts_time:\S+.*?\bs:(\d+)x(\d+)/;
const TIME_BASE = /config in time_base:\s*(\d+)\/(\d+)(?:,\s*frame_rate:\s*(\d+)\/(\d+))?/;
const LEVEL = /\[(fatal|error|panic)\]\s?/;
const SHOWINFO = /\[Parsed_showinfo_\d+ @ [^\]]*\]/;

/** Strips `[component @ 0x...]` and `[level]` tags. */
export function stripLogTags(line: string): string {
  return line.replace(/^(\[[^\]]*\]\s*)+/, '').trim();
}

export function parseLogLine(line: string): LogRecord {
  if (SHOWINFO.test(line)) {
    const f = FRAME.exec(line);
    if (f) {
      return {
        kind: 'frame',
        n: Number(f[1]),
        pts: f[2] === 'NOPTS' ? null : Number(f[2]),
        width: Number(f[3]),
        height: Number(f[4]),
      };
    }
    const tb = TIME_BASE.exec(line);
    if (tb) {
      const rate = tb[3] && tb[4] && Number(tb[3]) > 0 && Number(tb[4]) > 0;
      return {
        kind: 'time-base',
        num: Number(tb[1]),
        den: Number(tb[2]),
        frameRate: rate ? { num: Number(tb[3]), den: Number(tb[4]) } : undefined,
      };
    }
  }
  if (LEVEL.test(line)) return { kind: 'error', message: stripLogTags(line) };
  return { kind: 'other', message: stripLogTags(line) };
}
