/** Inputs and config tweaks for units whose example needs particular events or files. */
import path from 'node:path';
import type { PipelineEvent } from '../../src/core/events.js';
import { examEvents } from '../helpers/frames.js';
import { startFakeDicomweb } from '../dicomweb/fake-dicomweb-server.js';

const root = path.resolve(import.meta.dirname, '../..');
// The dicomweb source reads from a stand-in DICOMweb server holding one fixture cine loop.
const fakePacs = await startFakeDicomweb([path.resolve(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm')]);

export function conformanceInput(type: string): PipelineEvent[] | undefined {
  if (type === 'onnx-inference' || type === 'saliency') {
    const events = examEvents(3);
    const window: PipelineEvent = {
      kind: 'window',
      seq: 2,
      ptsMs: 66,
      examId: 'exam-1',
      seqs: [0, 1, 2, 2, 2, 2, 2, 2, 2],
      shape: [1, 1, 9, 150, 150],
      data: new Float32Array(9 * 150 * 150).fill(0.5),
    };
    return [...events.slice(0, -1), window, events.at(-1)!];
  }
  return undefined;
}

/** Config overrides applied on top of a unit's example in the conformance suite. */
export function conformanceConfig(type: string): Record<string, unknown> {
  const fixtures = path.resolve(root, 'test/fixtures');
  if (type === 'dicom-cine') return { path: path.join(fixtures, 'dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm') };
  if (type === 'dicomweb') return { url: fakePacs.url, studyDate: undefined };
  if (type === 'video-file') return { path: path.join(fixtures, 'video/philips_color_doppler_20frames.mov') };
  if (type === 'onnx-inference') return { model: path.join(root, 'models/test/tiny-random.onnx'), batch: 2 };
  if (type === 'saliency') return { model: path.join(root, 'models/test/tiny-random.gradcam.onnx') };
  // Standard input is not ours in a test worker: read ten raw frames from a file instead.
  if (type === 'stdin') return { path: path.join(root, 'test/live/fixtures/gray-32x24x10.raw'), size: '32x24' };
  // The HUD must not wait for a viewer or need a fixed port in a test.
  if (type === 'hud') return { port: 0, keepOpenS: 0 };
  return {};
}
