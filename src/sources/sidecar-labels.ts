/**
 * Labels for a media file from its `<file>.labels.json` sidecar (docs/labels-sidecar.md),
 * in the shape the file sources need; undefined when the file has no sidecar.
 */
import fs from 'node:fs';
import { labelsForFrame, readLabelsSidecar, sidecarPathFor } from '../labels/index.js';
import type { Box, FrameLabels } from '../core/events.js';

export interface SidecarLabels {
  subjectId?: string;
  fps?: number;
  usRegion?: Box;
  labelsFor(frameIndex: number): FrameLabels | undefined;
}

export async function loadSidecarLabels(mediaFile: string): Promise<SidecarLabels | undefined> {
  const file = sidecarPathFor(mediaFile);
  if (!fs.existsSync(file)) return undefined;
  const sidecar = await readLabelsSidecar(file);
  return {
    subjectId: sidecar.subjectId,
    fps: sidecar.fps,
    usRegion: (sidecar as { usRegion?: Box }).usRegion,
    labelsFor: (i) => labelsForFrame(sidecar, i),
  };
}
