/**
 * createPhantomExam: one simulated subject's compression exam, rendered lazily.
 *
 * Consumes: options (seed first). Emits: frames with labels and geometric truth.
 * Deterministic: every random choice comes from the seed, and a frame depends
 * only on its index, so frames can be rendered in any order with the same bytes.
 */
import type { Box, ExamVerdict } from '../core/events.js';
import { createScene, createSubject, type Scene, type Subject } from './anatomy.js';
import { createRng } from './prng.js';
import { addDisplayNoise, ScanConverter } from './scan-convert.js';
import { createScannerSettings, drawThrombusAge, type ScannerSettings, type ThrombusAge } from './scanner.js';
import { buildScannerField } from './scanner-field.js';
import { BmodeRenderer, type ScenePose, type VeinPose, type VesselPose } from './render.js';
import { createScreen, fakeIdentity } from './screen.js';
import { buildSpeckleField, type SpeckleField } from './speckle-field.js';
import { createTimeline } from './timeline.js';
import type { PhantomExam, PhantomFrame, PhantomImaging, PhantomOptions, PhantomVisit } from './types.js';

/** The look of a phantom exam when `imaging` is not given (docs/phantom.md). */
export const DEFAULT_IMAGING: PhantomImaging = 'classic';
/** Scanner look: black level as a fraction of the dynamic range below unit echo. */
const SCANNER_BLACK_OFFSET_FRACTION = 0.3;

/** Default: the vein is closed below 10% of its resting lumen area. */
export const DEFAULT_CLOSED_AREA_FRACTION = 0.1;
/** The artery's lumen area never drops below this fraction of rest (it stays round and pulses). */
export const ARTERY_MIN_AREA_FRACTION = 0.8;
/** A thrombosed vein keeps at least this fraction of its resting minor axis. */
export const THROMBUS_MIN_AXIS_FRACTION = 0.3;

function pulseShape(phase: number): number {
  const p = phase - Math.floor(phase);
  // Fast systolic upstroke, slower diastolic decay, in [0, 1].
  return p < 0.12 ? Math.sin((p / 0.12) * (Math.PI / 2)) : Math.exp(-(p - 0.12) / 0.18);
}

/** The robustness-sweep overrides (PhantomOptions), checked; undefined = the drawn value. */
function sweepOverrides(o: PhantomOptions): Pick<PhantomOptions, 'depthMm' | 'speckleGrainScale' | 'mmPerPxScale' | 'gainDb' | 'noiseGray'> {
  const check = (name: string, v: number | undefined, lo: number, hi: number): void => {
    if (v !== undefined && !(Number.isFinite(v) && v >= lo && v <= hi)) throw new RangeError(`[phantom] ${name} must be in ${lo}..${hi}, got ${v}`);
  };
  check('depthMm', o.depthMm, 10, 200);
  check('speckleGrainScale', o.speckleGrainScale, 0.25, 8);
  check('mmPerPxScale', o.mmPerPxScale, 0.2, 5);
  check('gainDb', o.gainDb, -40, 40);
  check('noiseGray', o.noiseGray, 0, 128);
  return { depthMm: o.depthMm, speckleGrainScale: o.speckleGrainScale, mmPerPxScale: o.mmPerPxScale, gainDb: o.gainDb, noiseGray: o.noiseGray };
}

export function createPhantomExam(options: PhantomOptions): PhantomExam {
  const seed = options.seed >>> 0;
  const fps = options.fps ?? 30;
  const vendorFrame = options.vendorFrame ?? true;
  const closedAreaFraction = options.closedAreaFraction ?? DEFAULT_CLOSED_AREA_FRACTION;
  const thrombusFraction = options.thrombusFraction ?? 0.2;
  const imaging = options.imaging ?? DEFAULT_IMAGING;
  if (imaging !== 'classic' && imaging !== 'scanner') throw new RangeError(`[phantom] imaging must be 'classic' or 'scanner', got ${JSON.stringify(imaging)}`);
  const sweep = sweepOverrides(options);
  const root = createRng(seed);
  const classicDepthMm = root.range(35, 50);
  // The scanner look draws its settings from a stream of its own, so the anatomy,
  // the timeline and every label stay those of the classic phantom of the same seed.
  const drawnScanner: ScannerSettings | undefined = imaging === 'scanner' ? createScannerSettings(root.fork('scanner')) : undefined;
  const scanner: ScannerSettings | undefined =
    drawnScanner && sweep.depthMm !== undefined ? createScannerSettings(root.fork('scanner'), sweep.depthMm) : drawnScanner;
  const drawnDepthMm = drawnScanner ? drawnScanner.depthMm : classicDepthMm;
  const depthMm = sweep.depthMm ?? drawnDepthMm;
  // A depth override shows the subject's own anatomy (smaller when deeper); a shallower one
  // lays it out for that depth, so the vessels stay in view.
  const anatomyDepthMm = Math.min(drawnDepthMm, depthMm);
  const durationS = options.durationS ?? root.range(14, 20);
  const identity = fakeIdentity(root.fork('identity'));
  const screen = createScreen(root.fork('screen'), {
    width: options.width ?? (vendorFrame ? undefined : 600),
    height: options.height ?? (vendorFrame ? undefined : 600),
    vendorFrame,
    depthMm,
    identity,
    ...(sweep.mmPerPxScale !== undefined ? { scale: sweep.mmPerPxScale } : {}),
  });
  const us = screen.us;
  // Beam space: the grid the anatomy is laid out and rendered in (the region itself,
  // except for a curved array, whose fan is scan-converted into the region).
  let converter: ScanConverter | undefined;
  let mmPerPx = depthMm / us.height;
  if (scanner?.geometry === 'curved') {
    const c = ScanConverter.curved(us, { radiusMm: scanner.radiusMm, depthMm, angleRad: (scanner.fanAngleDeg * Math.PI) / 180 });
    converter = c.converter;
    mmPerPx = c.mmPerPx;
  } else if (scanner) converter = ScanConverter.linear(us);
  const beamW = converter ? converter.beamWidth : us.width;
  const beamH = converter ? converter.beamHeight : us.height;
  const subject: Subject = createSubject(root.fork('subject'), mmPerPx, anatomyDepthMm);
  if (sweep.speckleGrainScale !== undefined) {
    subject.psfLateralMm *= sweep.speckleGrainScale;
    subject.psfAxialMm *= sweep.speckleGrainScale;
  }
  const globalCompression = root.range(0.02, 0.04);
  const breathPhase = root.range(0, 6.28);
  const pulseAmp = root.range(0.04, 0.08);
  const timeline = createTimeline(root.fork('timeline'), fps, durationS, thrombusFraction);
  const frameCount = timeline.frameCount;

  const marginX = Math.ceil(0.12 * beamW + 3 / mmPerPx);
  const fieldW = beamW + 2 * marginX;
  const scenes: Scene[] = timeline.segments.map((seg, i) => createScene(seg.kind, subject, root.fork(`scene-${i}`), marginX + beamW / 2, beamW, seg.thrombus));
  const thrombusAges: Array<ThrombusAge | undefined> = timeline.segments.map((seg, i) =>
    scanner && seg.thrombus ? drawThrombusAge(root.fork('scanner').fork(`clot-${i}`)) : undefined,
  );
  // Deep tissue rises by up to the summed vein diameters when they collapse.
  let maxCollapse = 0;
  for (const sc of scenes)
    maxCollapse = Math.max(
      maxCollapse,
      sc.vessels.reduce((acc, v) => acc + (v.kind === 'vein' ? 2 * v.b : 0), 0),
    );
  const fieldH = Math.ceil(beamH * (1 + globalCompression + 0.02) + maxCollapse) + 4;
  const fields = new Map<number, SpeckleField>();
  const fieldFor = (s: number): SpeckleField => {
    let f = fields.get(s);
    if (!f) {
      f = scanner
        ? buildScannerField(scenes[s]!, subject, scanner, thrombusAges[s], fieldW, fieldH, sweep.speckleGrainScale)
        : buildSpeckleField(scenes[s]!, subject, fieldW, fieldH);
      fields.set(s, f);
    }
    return f;
  };

  const renderer = new BmodeRenderer(beamW, beamH);
  const dr = scanner ? scanner.dynamicRangeDb : subject.dynamicRangeDb;
  const scale = 255 / dr;
  // Scanner look: tissue of echo amplitude 1 (mean log power -2.5 dB) sits 0.3 DR + 12 dB
  // above black before gain, so muscle-level tissue lands near the gray of real scans.
  let offsetDb = scanner ? SCANNER_BLACK_OFFSET_FRACTION * dr + 12 + scanner.gainDb : 8.5 + 0.3725 * dr + subject.gainDb;
  if (sweep.gainDb !== undefined) offsetDb += sweep.gainDb;
  if (scanner) {
    const trng = root.fork('scanner').fork('tgc');
    const reverbStep = trng.range(2, 4);
    const reverbDb = trng.range(1, 4);
    const sliders = scanner.tgcSlidersDb;
    for (let y = 0; y < beamH; y++) {
      const d = y * mmPerPx;
      // TGC: a fraction of the true attenuation, plus the operator's slider settings
      // (8 sliders over the depth, interpolated).
      const t = (d / depthMm) * (sliders.length - 1);
      const i0 = Math.min(sliders.length - 2, Math.floor(t));
      let g =
        scanner.tgcFraction * scanner.attenuationDbPerCmMHz * scanner.frequencyMHz * (d / 10) + sliders[i0]! + (sliders[i0 + 1]! - sliders[i0]!) * (t - i0);
      for (let k = 1; k <= 3; k++) {
        const z = (d - k * reverbStep) / 0.25;
        g += reverbDb * 0.55 ** (k - 1) * Math.exp(-z * z);
      }
      renderer.rowDb[y] = g;
    }
    for (let x = 0; x < beamW; x++) {
      const n = (x - beamW / 2) / (beamW / 2);
      renderer.colDb[x] = -2 * n * n * n * n;
    }
  } else {
    const trng = root.fork('tgc');
    const reverbStep = trng.range(2, 4);
    const reverbDb = trng.range(2, 5);
    const wig = [trng.range(0.5, 1.8), trng.range(1, 3), trng.range(0, 6.28)];
    for (let y = 0; y < us.height; y++) {
      const d = y * mmPerPx;
      let g = -subject.residualDbPerCm * (d / 10) + wig[0]! * Math.sin((d / depthMm) * Math.PI * wig[1]! + wig[2]!);
      for (let k = 1; k <= 3; k++) {
        const z = (d - k * reverbStep) / 0.25;
        g += reverbDb * 0.55 ** (k - 1) * Math.exp(-z * z);
      }
      renderer.rowDb[y] = g;
    }
    for (let x = 0; x < us.width; x++) {
      const n = (x - us.width / 2) / (us.width / 2);
      renderer.colDb[x] = -2.5 * n * n * n * n;
    }
  }

  interface Geometry {
    veins: VeinPose[];
    arteries: VesselPose[];
    veinArea: number;
    veinRest: number;
    arteryArea: number;
    arteryRest: number;
  }
  const geometry = (s: number, f: number): Geometry => {
    const scene = scenes[s]!;
    const seg = timeline.segments[s]!;
    const p = timeline.pressure[f]!;
    const t = f / fps;
    const g: Geometry = { veins: [], arteries: [], veinArea: 0, veinRest: 0, arteryArea: 0, arteryRest: 0 };
    // Healthy veins close fully before peak pressure (walls touch while held);
    // a thrombosed main vein keeps thrombusMinRatio of its minor axis.
    const healthy = Math.max(0, 1 - p * 1.15);
    const breath = 1 + 0.03 * Math.sin((2 * Math.PI * t) / 4 + breathPhase);
    const mainC = seg.thrombus ? 1 - p * (1 - seg.thrombusMinRatio) : healthy;
    for (const v of scene.vessels) {
      if (v.kind === 'vein') {
        // Breathing swells the vein slightly; a closed vein stays closed.
        const c = Math.min(1, (seg.thrombus ? mainC : healthy) * (healthy > 0 || seg.thrombus ? breath : 1));
        g.veins.push({ cx: v.cx, cy: v.cy, a: v.a, b: v.b, c });
        if (v.main) {
          g.veinArea = Math.PI * v.a * v.b * c;
          g.veinRest = Math.PI * v.a * v.b;
        }
      } else {
        const k = 1 + pulseAmp * pulseShape(t * subject.heartRateHz);
        const a2 = v.a * k * (1 + 0.03 * p);
        const b2 = v.b * k * (1 - 0.07 * p);
        if (v.a * v.b > g.arteryRest) {
          g.arteryArea = Math.PI * a2 * b2;
          g.arteryRest = Math.PI * v.a * v.b;
        }
        g.arteries.push({ cx: v.cx, cy: v.cy, a: v.a, b: v.b, a2, b2 });
      }
    }
    return g;
  };

  const segmentVisit = new Int32Array(timeline.segments.length).fill(-1);
  const visits: PhantomVisit[] = [];
  const dominant = (f: number): number => (timeline.blend[f]! >= 0.5 ? timeline.sceneB[f]! : timeline.sceneA[f]!);
  for (let f = 0; f < frameCount; f++) {
    const s = dominant(f);
    const seg = timeline.segments[s]!;
    if (seg.kind !== 'LM1' && seg.kind !== 'LM2') continue;
    if (segmentVisit[s] === -1) {
      segmentVisit[s] = visits.length;
      visits.push({ landmark: seg.kind, startFrame: f, endFrame: f, thrombus: seg.thrombus });
    } else visits[segmentVisit[s]!]!.endFrame = f;
  }

  const textBoxes: Box[] = screen.textBoxes;
  for (let s = 0; s < segmentVisit.length; s++) {
    const age = thrombusAges[s];
    if (segmentVisit[s]! >= 0 && age) visits[segmentVisit[s]!]!.thrombusAge = age;
  }
  const pixelSpacingMm = { x: mmPerPx, y: mmPerPx };
  const frameInfo = (index: number): Omit<PhantomFrame, 'pixels'> => {
    if (!Number.isInteger(index) || index < 0 || index >= frameCount) {
      throw new RangeError(`[phantom] frame ${index} is outside 0..${frameCount - 1}`);
    }
    const s = dominant(index);
    const g = geometry(s, index);
    const seg = timeline.segments[s]!;
    return {
      index,
      ptsMs: (index * 1000) / fps,
      width: screen.width,
      height: screen.height,
      labels: {
        landmark: scenes[s]!.landmark,
        open: !(g.veinArea < closedAreaFraction * g.veinRest),
        thrombus: seg.thrombus,
        textBoxes,
      },
      truth: {
        veinAreaPx: g.veinArea,
        veinRestAreaPx: g.veinRest,
        arteryAreaPx: g.arteryArea,
        arteryRestAreaPx: g.arteryRest,
        visitIndex: segmentVisit[s]!,
        pressure: timeline.pressure[index]!,
      },
      usRegion: us,
      pixelSpacingMm,
    };
  };

  const closedSeen = visits.map(() => false);
  for (let f = 0; f < frameCount; f++) {
    const info = frameInfo(f);
    if (info.truth.visitIndex >= 0 && !info.labels.open) closedSeen[info.truth.visitIndex] = true;
  }
  let verdict: ExamVerdict;
  if (visits.some((v) => v.thrombus)) verdict = 'refer for specialist ultrasound';
  else {
    const ok = (lm: 'LM1' | 'LM2'): boolean => visits.some((v, i) => v.landmark === lm && closedSeen[i]);
    verdict = ok('LM1') && ok('LM2') ? '2-point exam negative at the examined landmarks' : 'incomplete';
  }

  const pose = (s: number, f: number): ScenePose => ({
    field: fieldFor(s),
    u0: marginX - timeline.shiftMm[f]! / mmPerPx,
    sy: 1 + globalCompression * timeline.pressure[f]! + timeline.axialJitter[f]!,
    ...((): { veins: VeinPose[]; vessels: VesselPose[] } => {
      const g = geometry(s, f);
      return { veins: g.veins, vessels: g.arteries };
    })(),
  });

  const beam = converter ? new Uint8Array(beamW * beamH) : undefined;
  const grayMap = scanner ? Uint8Array.from({ length: 256 }, (_, g) => Math.round(255 * (g / 255) ** scanner.grayMapGamma)) : undefined;
  const frame = (index: number, into?: Uint8Array): PhantomFrame => {
    const info = frameInfo(index);
    const size = screen.width * screen.height;
    const pixels = into && into.length === size ? into : new Uint8Array(size);
    pixels.set(screen.template);
    const a = timeline.sceneA[index]!;
    const b = timeline.sceneB[index]!;
    const w = timeline.blend[index]!;
    const poses =
      a === b || w <= 0
        ? [{ pose: pose(a, index), weight: 1 }]
        : w >= 1
          ? [{ pose: pose(b, index), weight: 1 }]
          : [
              { pose: pose(a, index), weight: 1 - w },
              { pose: pose(b, index), weight: w },
            ];
    if (converter) {
      renderer.render(poses, beam!, beamW, 0, 0, scale, offsetDb);
      const noise = scanner!.frameNoiseGray * (1 - 0.7 * scanner!.persistence);
      converter.convert(beam!, pixels, screen.width, noise, (seed * 0x9e3779b1 + index * 0x85ebca6b) | 0, grayMap!);
    } else renderer.render(poses, pixels, screen.width, us.x, us.y, scale, offsetDb);
    if (sweep.noiseGray !== undefined && sweep.noiseGray > 0) {
      addDisplayNoise(
        pixels,
        screen.width,
        us,
        sweep.noiseGray,
        (seed * 0x27d4eb2f + index * 0x165667b1) ^ 0x5f356495,
        converter ? (k) => converter.inside(k) : undefined,
      );
    }
    return { ...info, pixels };
  };

  return {
    examId: `phantom-${seed}`,
    subjectId: `phantom-subject-${seed}`,
    patient: identity,
    fps,
    frameCount,
    width: screen.width,
    height: screen.height,
    usRegion: us,
    pixelSpacingMm,
    closedAreaFraction,
    imaging,
    ...(scanner ? { scanner } : {}),
    truth: { visits, verdict },
    frames(opts = {}) {
      return {
        *[Symbol.iterator]() {
          const shared = opts.reusePixels ? new Uint8Array(screen.width * screen.height) : undefined;
          for (let i = 0; i < frameCount; i++) yield frame(i, shared);
        },
      };
    },
    frame,
    frameInfo,
  };
}
