/**
 * Turns integer pts in the stream time base into ms relative to the first frame.
 * Frames without a pts (NOPTS) get the previous time plus one frame duration
 * (from the nominal frame rate, else the last interval seen), so ptsMs stays monotone.
 */
export class FrameClock {
  private tbNum = 0;
  private tbDen = 1;
  private frameMs: number | undefined;
  private firstPts: number | undefined;
  private lastMs: number | undefined;
  private lastStepMs: number | undefined;

  setTimeBase(num: number, den: number, frameRate?: { num: number; den: number }): void {
    this.tbNum = num;
    this.tbDen = den || 1;
    if (frameRate) this.frameMs = (1000 * frameRate.den) / frameRate.num;
  }

  /** ms of this frame relative to the first frame (the first frame is 0). */
  next(pts: number | null): number {
    const step = this.frameMs ?? this.lastStepMs ?? 0;
    let ms: number;
    if (pts === null || this.tbNum === 0) {
      ms = this.lastMs === undefined ? 0 : this.lastMs + step;
    } else {
      if (this.firstPts === undefined) {
        // Anchor so that the first frame is 0 (or continues after leading NOPTS frames).
        const anchorMs = this.lastMs === undefined ? 0 : this.lastMs + step;
        this.firstPts = pts - (anchorMs * this.tbDen) / (this.tbNum * 1000);
      }
      // Integer pts times the exact time base: both decoders agree to the microsecond.
      ms = ((pts - this.firstPts) * this.tbNum * 1000) / this.tbDen;
    }
    if (this.lastMs !== undefined) this.lastStepMs = ms - this.lastMs;
    this.lastMs = ms;
    return ms;
  }
}
