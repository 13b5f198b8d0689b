/**
 * The generated bad-input corpus: damaged copies of the real fixtures (DICOM and video),
 * decompression bombs, odd files, and pipeline YAML bombs, drawn by fast-check from a
 * fixed seed so every run (and every machine) gets the same cases. Each case says
 * which CLI command it goes through and, where it can be known from the undamaged
 * file, how many frames come before the damage (a `run` must emit at least those).
 */
import path from 'node:path';
import dicomParser from 'dicom-parser';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import {
  billionLaughs,
  DICOM_FIXTURES,
  deflatedDatasetBomb,
  headerElements,
  readFixture,
  VIDEO_FIXTURES,
  withLength,
  withStringElement,
  withUint16,
  zipBomb,
} from './bad-inputs.js';

export const CORPUS_SEED = 21;

export interface BadInputCase {
  id: string;
  /** The row of the outcome table the case counts in. */
  category: string;
  /** File (or folder) name it is written under. */
  name: string;
  content: Uint8Array | { directory: true };
  command: 'probe' | 'run' | 'validate';
  /** `run`: frames that lie wholly before the damage. */
  framesBeforeDamage?: number;
  /** True when exactly `framesBeforeDamage` frames decode (a cut: nothing after it can). */
  exactFrames?: boolean;
}

interface FixtureLayout {
  bytes: Uint8Array;
  /** Where the pixel data starts, and where each frame's data ends (absolute), when one frame per fragment or native. */
  pixelStart: number;
  frameEnds?: number[];
  headerEnd: number;
}

const layouts = new Map<string, FixtureLayout>();

function layout(fixture: string): FixtureLayout {
  const known = layouts.get(fixture);
  if (known) return known;
  const bytes = readFixture(`dicom/${fixture}`);
  const ds = dicomParser.parseDicom(bytes);
  const pixel = ds.elements.x7fe00010!;
  const frames = Number.parseInt(ds.string('x00280008') ?? '1', 10) || 1;
  let frameEnds: number[] | undefined;
  const headerEnd = pixel.dataOffset - 12;
  if (pixel.fragments) {
    const fragments = pixel.fragments;
    if (fragments.length === frames) frameEnds = fragments.map((f) => f.position + f.length);
    else if (frames === 1) frameEnds = [fragments.at(-1)!.position + fragments.at(-1)!.length];
  } else {
    const frameBytes = pixel.length / frames;
    if (Number.isInteger(frameBytes)) frameEnds = Array.from({ length: frames }, (_, k) => pixel.dataOffset + (k + 1) * frameBytes);
  }
  const out = { bytes, pixelStart: pixel.dataOffset, frameEnds, headerEnd };
  layouts.set(fixture, out);
  return out;
}

const stem = (f: string) => f.replace(/\.[^.]+$/, '');
const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt: number) => fc.sample(arb, { seed: CORPUS_SEED * 1000 + salt, numRuns: n });
const pad = (i: number) => String(i).padStart(3, '0');

function flip(bytes: Uint8Array, at: number[], xor: number[]): Uint8Array {
  const out = bytes.slice();
  at.forEach((a, i) => (out[a] ^= xor[i % xor.length] || 0xff));
  return out;
}

export function buildCorpus(): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const dicom = fc.constantFrom(...DICOM_FIXTURES);

  // DICOM cut short anywhere: `run` keeps every frame wholly before the cut.
  for (const [i, { fixture, at }] of sample(fc.record({ fixture: dicom, at: fc.double({ min: 0, max: 1, noNaN: true }) }), 70, 1).entries()) {
    const l = layout(fixture);
    const cut = Math.floor(at * l.bytes.length);
    cases.push({
      id: `dicom-cut-${pad(i)}`,
      category: 'DICOM cut short at a random offset',
      name: `${stem(fixture)}-cut${cut}.dcm`,
      content: l.bytes.subarray(0, cut),
      command: i % 4 === 3 ? 'probe' : 'run',
      ...(l.frameEnds ? { framesBeforeDamage: l.frameEnds.filter((e) => e <= cut).length, exactFrames: true } : {}),
    });
  }

  // Bytes flipped in the header (before the pixel data).
  const headerFlip = fc.record({
    fixture: dicom,
    at: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
    xor: fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 8 }),
  });
  for (const [i, { fixture, at, xor }] of sample(headerFlip, 50, 2).entries()) {
    const l = layout(fixture);
    const offsets = at.map((a) => 132 + Math.floor(a * (l.headerEnd - 132)));
    cases.push({
      id: `dicom-header-flip-${pad(i)}`,
      category: 'DICOM with bytes flipped in the header',
      name: `${stem(fixture)}-hflip${i}.dcm`,
      content: flip(l.bytes, offsets, xor),
      command: i % 2 ? 'run' : 'probe',
    });
  }

  // Bytes flipped in the pixel data: frames before the first damaged one decode.
  for (const [i, { fixture, at, xor }] of sample(headerFlip, 30, 3).entries()) {
    const l = layout(fixture);
    const offsets = at.map((a) => l.pixelStart + Math.floor(a * (l.bytes.length - l.pixelStart)));
    const first = Math.min(...offsets);
    cases.push({
      id: `dicom-pixel-flip-${pad(i)}`,
      category: 'DICOM with bytes flipped in the pixel data',
      name: `${stem(fixture)}-pflip${i}.dcm`,
      content: flip(l.bytes, offsets, xor),
      command: 'run',
      ...(l.frameEnds ? { framesBeforeDamage: l.frameEnds.filter((e) => e <= first).length } : {}),
    });
  }

  // An element of the header given a wrong length.
  const wrongLength = fc.record({
    fixture: dicom,
    element: fc.nat(),
    length: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0xffffffff, 0x7fffffff, 0xfffffffe, 1 << 30)),
  });
  for (const [i, { fixture, element, length }] of sample(wrongLength, 30, 4).entries()) {
    const l = layout(fixture);
    const elements = headerElements(l.bytes);
    const target = elements[element % elements.length]!;
    cases.push({
      id: `dicom-length-${pad(i)}`,
      category: 'DICOM element with a wrong length',
      name: `${stem(fixture)}-len${i}.dcm`,
      content: withLength(l.bytes, target, length),
      command: i % 2 ? 'run' : 'probe',
    });
  }

  // Declared sizes: Number of Frames, Rows, Columns, Samples per Pixel beyond what the file holds or any sane limit.
  const frameValues = ['999999999', '4294967296', '1000001', '0', '-3', 'abc', '2.5', '1e9'];
  const huge = fc.record({
    fixture: dicom,
    change: fc.oneof(
      fc.record({ tag: fc.constant('x00280008'), value: fc.constantFrom(...frameValues) }),
      fc.record({ tag: fc.constantFrom('x00280010', 'x00280011'), value: fc.constantFrom(65535, 32768, 20000, 0) }),
      fc.record({ tag: fc.constant('both'), value: fc.constantFrom(65535, 16384) }),
    ),
  });
  for (const [i, { fixture, change }] of sample(huge, 32, 5).entries()) {
    const l = layout(fixture);
    let content: Uint8Array;
    if (change.tag === 'x00280008') content = withStringElement(l.bytes, change.tag, String(change.value));
    else if (change.tag === 'both') content = withUint16(withUint16(l.bytes, 'x00280010', Number(change.value)), 'x00280011', Number(change.value));
    else content = withUint16(l.bytes, change.tag, Number(change.value));
    cases.push({
      id: `dicom-size-${pad(i)}`,
      category: 'DICOM declaring huge or invalid sizes',
      name: `${stem(fixture)}-size${i}.dcm`,
      content,
      command: i % 2 ? 'run' : 'probe',
    });
  }

  // The named cases of the audit, each once.
  const sono = readFixture('dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
  const rle = readFixture('dicom/us_ge_logiq700_rle_wg04.dcm');
  const named: Omit<BadInputCase, 'category'>[] = [
    { id: 'named-frames-999999999', name: 'sonosite-frames-999999999.dcm', content: withStringElement(sono, 'x00280008', '999999999'), command: 'run' },
    { id: 'named-frames-2e32', name: 'sonosite-frames-4294967296.dcm', content: withStringElement(sono, 'x00280008', '4294967296'), command: 'probe' },
    { id: 'named-frames-invalid', name: 'sonosite-frames-invalid.dcm', content: withStringElement(sono, 'x00280008', 'thirty'), command: 'run' },
    { id: 'named-rle-65535', name: 'rle-65535x65535.dcm', content: withUint16(withUint16(rle, 'x00280010', 65535), 'x00280011', 65535), command: 'run' },
    { id: 'named-deflate-bomb', name: 'deflated-dataset-1gib.dcm', content: deflatedDatasetBomb(1024 ** 3), command: 'probe' },
    { id: 'named-zip-bomb', name: 'zip-bomb-1gib.zip', content: zipBomb('cine.dcm', 1024 ** 3), command: 'run' },
  ];
  for (const c of named) cases.push({ ...c, category: 'Named cases of the audit (size claims, bombs)' });

  // Files that are not what their name says, empty files, folders.
  const odd: Omit<BadInputCase, 'category'>[] = [
    { id: 'odd-empty-dcm', name: 'empty.dcm', content: new Uint8Array(0), command: 'run' },
    { id: 'odd-empty-mp4', name: 'empty.mp4', content: new Uint8Array(0), command: 'run' },
    { id: 'odd-empty-probe', name: 'empty2.dcm', content: new Uint8Array(0), command: 'probe' },
    { id: 'odd-folder-dcm', name: 'folder.dcm', content: { directory: true }, command: 'probe' },
    { id: 'odd-folder-mp4', name: 'folder.mp4', content: { directory: true }, command: 'probe' },
    { id: 'odd-text-dcm', name: 'notes.dcm', content: new TextEncoder().encode('not an image\n'.repeat(50)), command: 'run' },
    { id: 'odd-video-dcm', name: 'video.dcm', content: readFixture(`video/${VIDEO_FIXTURES[0]}`), command: 'probe' },
    { id: 'odd-dicom-mp4', name: 'dicom.mp4', content: sono, command: 'probe' },
    { id: 'odd-jpeg-mp4', name: 'image.mp4', content: jpegFrameOf(sono), command: 'run' },
    { id: 'odd-jpeg-probe', name: 'image2.mp4', content: jpegFrameOf(sono), command: 'probe' },
    { id: 'odd-zip-two', name: 'two.zip', content: zipOfTwo(), command: 'probe' },
    { id: 'odd-zip-cut', name: 'cut.zip', content: readFixture('dicom/us_philips_epiq5g_mf27_uncompressed_phi.zip').subarray(0, 700_000), command: 'run' },
  ];
  for (const c of odd) cases.push({ ...c, category: 'Empty files, folders, data under the wrong name' });
  for (const [i, bytes] of sample(fc.uint8Array({ minLength: 1, maxLength: 4096 }), 8, 6).entries()) {
    cases.push({
      id: `odd-random-${pad(i)}`,
      category: 'Empty files, folders, data under the wrong name',
      name: `random${i}.${i % 2 ? 'dcm' : 'mp4'}`,
      content: bytes,
      command: i % 3 ? 'probe' : 'run',
    });
  }

  // Videos cut short, or without their first bytes (the container header).
  const video = fc.constantFrom(...VIDEO_FIXTURES);
  for (const [i, { fixture, at }] of sample(fc.record({ fixture: video, at: fc.double({ min: 0.01, max: 0.99, noNaN: true }) }), 30, 7).entries()) {
    const bytes = readFixture(`video/${fixture}`);
    const cut = Math.floor(at * bytes.length);
    cases.push({
      id: `video-cut-${pad(i)}`,
      category: 'Video cut short at a random offset',
      name: `${stem(fixture)}-cut${cut}${path.extname(fixture)}`,
      content: bytes.subarray(0, cut),
      command: i % 3 ? 'probe' : 'run',
    });
  }
  for (const [i, { fixture, skip }] of sample(fc.record({ fixture: video, skip: fc.integer({ min: 1, max: 8192 }) }), 16, 8).entries()) {
    const bytes = readFixture(`video/${fixture}`);
    cases.push({
      id: `video-headless-${pad(i)}`,
      category: 'Video without its header',
      name: `${stem(fixture)}-headless${skip}${path.extname(fixture)}`,
      content: bytes.subarray(skip),
      command: i % 2 ? 'probe' : 'run',
    });
  }

  // Pipeline YAML bombs and damage.
  const yaml = (s: string) => new TextEncoder().encode(s);
  const laughs = fc.record({ levels: fc.integer({ min: 3, max: 12 }), fan: fc.integer({ min: 3, max: 12 }) });
  for (const [i, { levels, fan }] of sample(laughs, 10, 9).entries()) {
    cases.push({
      id: `yaml-laughs-${pad(i)}`,
      category: 'Pipeline YAML bombs',
      name: `laughs-${levels}x${fan}.yaml`,
      content: yaml(billionLaughs(levels, fan)),
      command: 'validate',
    });
  }
  for (const [i, depth] of sample(fc.integer({ min: 65, max: 300_000 }), 6, 10).entries()) {
    cases.push({
      id: `yaml-deep-flow-${pad(i)}`,
      category: 'Pipeline YAML bombs',
      name: `deep-flow-${depth}.yaml`,
      content: yaml(`source: ${'['.repeat(depth)}${']'.repeat(depth)}\n`),
      command: 'validate',
    });
  }
  for (const [i, depth] of sample(fc.integer({ min: 130, max: 3000 }), 4, 11).entries()) {
    cases.push({
      id: `yaml-deep-block-${pad(i)}`,
      category: 'Pipeline YAML bombs',
      name: `deep-block-${depth}.yaml`,
      content: yaml(Array.from({ length: depth }, (_, d) => `${'  '.repeat(d)}k${d}:`).join('\n') + ' 1\n'),
      command: 'validate',
    });
  }
  for (const [i, chain] of sample(fc.integer({ min: 50, max: 5000 }), 4, 12).entries()) {
    const lines = ['a0: &a0 x', ...Array.from({ length: chain }, (_, k) => `a${k + 1}: &a${k + 1} [*a${k}, *a${k}]`)];
    cases.push({
      id: `yaml-anchor-chain-${pad(i)}`,
      category: 'Pipeline YAML bombs',
      name: `anchor-chain-${chain}.yaml`,
      content: yaml(lines.join('\n') + '\n'),
      command: 'validate',
    });
  }
  for (const [i, keys] of sample(fc.integer({ min: 2001, max: 200_000 }), 4, 13).entries()) {
    cases.push({
      id: `yaml-many-keys-${pad(i)}`,
      category: 'Pipeline YAML bombs',
      name: `many-keys-${keys}.yaml`,
      content: yaml(Array.from({ length: keys }, (_, k) => `k${k}: ${k}`).join('\n')),
      command: 'validate',
    });
  }
  for (const [i, mib] of sample(fc.integer({ min: 2, max: 64 }), 4, 14).entries()) {
    cases.push({
      id: `yaml-huge-${pad(i)}`,
      category: 'Pipeline YAML bombs',
      name: `huge-scalar-${mib}mib.yaml`,
      content: yaml(`source:\n  type: synthetic\n  note: ${'a'.repeat(mib * 1024 * 1024)}\n`),
      command: 'validate',
    });
  }
  const archive = readFixtureText('../../pipelines/archive.yaml');
  const yamlFlip = fc.record({
    at: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    by: fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 6 }),
  });
  for (const [i, { at, by }] of sample(yamlFlip, 12, 15).entries()) {
    const bytes = yaml(archive);
    cases.push({
      id: `yaml-flip-${pad(i)}`,
      category: 'Pipeline YAML bombs',
      name: `archive-flip${i}.yaml`,
      content: flip(
        bytes,
        at.map((a) => a % bytes.length),
        by,
      ),
      command: 'validate',
    });
  }
  for (const [i, bytes] of sample(fc.uint8Array({ minLength: 0, maxLength: 2048 }), 4, 16).entries()) {
    cases.push({ id: `yaml-random-${pad(i)}`, category: 'Pipeline YAML bombs', name: `random${i}.yaml`, content: bytes, command: 'validate' });
  }
  return cases;
}

/** The first JPEG frame inside a JPEG-baseline DICOM: a real image, to name .mp4. */
function jpegFrameOf(dicom: Uint8Array): Uint8Array {
  const ds = dicomParser.parseDicom(dicom);
  const f = ds.elements.x7fe00010!.fragments![0]!;
  return dicom.slice(f.position, f.position + f.length);
}

/** A zip holding two DICOM files (stored): refused, the reader wants exactly one. */
function zipOfTwo(): Uint8Array {
  const small = readFixture('dicom/us_atl_hdi5000_jpeg_baseline.dcm');
  return zipSync({ 'a.dcm': [small, { level: 0 }], 'b.dcm': [small, { level: 0 }] });
}

function readFixtureText(rel: string): string {
  return new TextDecoder().decode(readFixture(rel));
}
