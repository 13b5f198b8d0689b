/**
 * Probe a media file: DICOM (by the DICM magic or .dcm/.zip extension) or video.
 */
import fs from 'node:fs';
import { InputError } from '../errors.js';

export async function probeMedia(file: string): Promise<Record<string, unknown>> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError(`${file}: file not found`, { scope: 'probe' });
  }
  if (stat.isDirectory()) throw new InputError(`${file} is a folder; probe takes one file`, { scope: 'probe' });
  if (stat.size === 0) throw new InputError(`${file}: empty file`, { scope: 'probe' });
  if (await looksLikeDicom(file)) {
    const { openDicomFile, describeDicom } = await import('../dicom/open-dicom.js');
    const dicom = await openDicomFile(file);
    return { file, format: 'dicom', ...describeDicom(dicom.info) };
  }
  const { probeVideo } = await import('../video/probe-video.js');
  const info = await probeVideo(file);
  return { file, format: 'video', ...info };
}

export async function looksLikeDicom(file: string): Promise<boolean> {
  if (/\.(dcm|dicom|dic)$/i.test(file)) return true;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(132);
    const n = fs.readSync(fd, head, 0, 132, 0);
    if (n >= 132 && head.toString('latin1', 128, 132) === 'DICM') return true;
    if (/\.zip$/i.test(file)) return true;
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
