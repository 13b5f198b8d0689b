import { describe, expect, it } from 'vitest';
import { renderModelCard, type ModelCardData } from '../../src/train/model-card.js';

const card: ModelCardData = {
  modelFile: 'mine.onnx',
  modelId: 'autodvt-3d-dual-aug@abc',
  createdAt: '2026-12-07T12:00:00.000Z',
  command: 'autodvt train exams/ --out mine.onnx',
  inputs: [
    {
      name: 'a.dcm',
      sha256: 'a'.repeat(64),
      labelsSha256: 'b'.repeat(64),
      patient: 'patient-001',
      patientFrom: 'dicom',
      split: 'train',
      frames: 100,
      labelledWindows: 92,
      examId: 'a',
    },
    {
      name: 'b.dcm',
      sha256: 'c'.repeat(64),
      labelsSha256: 'd'.repeat(64),
      patient: 'patient-001',
      patientFrom: 'dicom',
      split: 'train',
      frames: 50,
      labelledWindows: 42,
      examId: 'b',
    },
    {
      name: 'c.mp4',
      sha256: 'e'.repeat(64),
      labelsSha256: 'f'.repeat(64),
      patient: 'patient-002',
      patientFrom: 'manifest',
      split: 'val',
      frames: 80,
      labelledWindows: 72,
      examId: 'c',
    },
    {
      name: 'd.mp4',
      sha256: '1'.repeat(64),
      labelsSha256: '2'.repeat(64),
      patient: 'patient-003',
      patientFrom: 'manifest',
      split: 'test',
      frames: 60,
      labelledWindows: 52,
      examId: 'd',
    },
  ],
  unlabelledSkipped: 2,
  preprocessing: 'default (crop-pad 600, resize 150)',
  start: { fromScratch: false, file: 'autodvt.onnx', modelId: 'autodvt-3d-dual-aug@old' },
  settings: { epochs: 3, epochsRun: 3, bestEpoch: 1, windowsPerEpoch: 2048, batch: 32, lr: 0.0003, seed: 0, device: 'cpu', torch: '1.13', trainSeconds: 61.4 },
  windows: { train: 134, val: 72, test: 52 },
  test: {
    table2: { 'O/C': 0.8123, LM1: 0.7, LM2: 0.6, BG: 0.95 },
    windows: 52,
    confusion: {
      landmark: [
        [10, 1, 0],
        [2, 20, 0],
        [0, 0, 19],
      ],
      vein: [
        [30, 2],
        [3, 17],
      ],
    },
  },
  val: { table2: { 'O/C': 0.9, LM1: 0.8, LM2: 0.7, BG: 0.96 }, windows: 72 },
  initialOnTest: { modelId: 'autodvt-3d-dual-aug@old', table2: { 'O/C': 0.5, LM1: 0.4, LM2: 0.3, BG: 0.9 }, windows: 52 },
  inDistribution: { fitted: false, reason: 'class 2 has 1 fitting windows: need at least 2' },
  files: ['mine.onnx', 'mine.streaming.onnx', 'mine.md'],
};

describe('renderModelCard', () => {
  const md = renderModelCard(card);

  it('puts the held-out metrics in the Table 2 layout, next to the start model on the same windows', () => {
    expect(md).toContain('| model | O/C | LM1 | LM2 | BG | windows |');
    expect(md).toContain('| this model (test) | 0.812 | 0.700 | 0.600 | 0.950 | 52 |');
    expect(md).toContain('| start model autodvt-3d-dual-aug@old (same test windows) | 0.500 | 0.400 | 0.300 | 0.900 | 52 |');
  });

  it('counts patients, exams, frames and windows per split', () => {
    expect(md).toContain('| train | 1 | 2 | 150 | 134 |');
    expect(md).toContain('| val | 1 | 1 | 80 | 72 |');
    expect(md).toContain('| test | 1 | 1 | 60 | 52 |');
    expect(md).toContain('4 labelled exams of 3 patients (patients from: dicom, manifest)');
    expect(md).toContain('2 media files without a labels sidecar were left out');
  });

  it('names every input file by its full sha256', () => {
    for (const r of card.inputs) expect(md).toContain(`| ${r.name} | \`${r.sha256}\` |`);
  });

  it('says why the in-distribution score is missing, and the settings it was trained with', () => {
    expect(md).toContain('not fitted: class 2 has 1 fitting windows');
    expect(md).toContain('best validation epoch 2 kept; 2048 windows per epoch, batch 32, Adam lr 0.0003, seed 0');
    expect(md).toContain('fine-tuned from `autodvt.onnx` (autodvt-3d-dual-aug@old)');
  });

  it('says whether the image statistics were fitted, with the threshold and the test split rate', () => {
    expect(md).not.toContain('Image statistics');
    expect(renderModelCard({ ...card, imageStatistics: { fitted: true, threshold: 12.345, testUnknown: 0.004 } })).toContain(
      "- Image statistics: fitted (threshold 12.35, 0.4% of the test split's frames above it; training/fit_image_statistics.py)",
    );
    expect(renderModelCard({ ...card, imageStatistics: { fitted: false, reason: '--no-in-distribution' } })).toContain(
      '- Image statistics: not fitted: --no-in-distribution',
    );
  });

  it('writes the confusion matrices of the test split', () => {
    expect(md).toContain('| LM1 | 2 | 20 | 0 |');
    expect(md).toContain('| closed | 3 | 17 |');
  });

  it('says plainly when there is no test result', () => {
    const none = renderModelCard({ ...card, test: undefined, initialOnTest: undefined });
    expect(none).toContain('No test windows');
    expect(none).toContain('| this model (test) | – | – | – | – | – |');
  });
});
