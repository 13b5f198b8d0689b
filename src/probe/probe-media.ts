/**
 * Probe a media file: DICOM (by the DICM magic or .dcm/.zip extension) or video.
 *
 * A DICOM file is described whether or not its pixels can be decoded: the header
 * fields always (a fixed list of technical attributes, never a patient one), and
 * `pixels: { decodable, framesChecked | reason }` saying whether its first and last
 * frames decode (the codec works, the file is not cut short; frames between are not
 * decoded), and if not, why (the same error `run` would stop with). Only a file whose header cannot be read
 * at all (not DICOM, unreadable, a bad zip) is refused outright.
 */
import fs from 'node:fs';
import { type AutodvtError, InputError } from '../core/errors.js';

export interface ProbeResult {
  /** The description `probe` prints. */
  info: Record<string, unknown>;
  /** Why the pixels cannot be decoded, when they cannot; `info.pixels.reason` holds its message. */
  problem?: AutodvtError;
}

export async function probeMedia(file: string): Promise<ProbeResult> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError(`${file}: file not found`, { scope: 'probe' });
  }
  if (stat.isDirectory()) throw new InputError(`${file} is a folder; probe takes one file`, { scope: 'probe' });
  if (stat.size === 0) throw new InputError(`${file}: empty file`, { scope: 'probe' });
  if (await looksLikeDicom(file)) return probeDicom(file);
  const { probeVideo } = await import('../video/probe-video.js');
  const info = await probeVideo(file);
  return { info: { file, format: 'video', ...info } };
}

async function probeDicom(file: string): Promise<ProbeResult> {
  const { openDicomFile, describeDicom } = await import('../dicom/open-dicom.js');
  try {
    const dicom = await openDicomFile(file);
    // The first frame shows the codec works; the last one, that the file was not cut short.
    const framesChecked = [...new Set([0, dicom.info.frames - 1])];
    for (const index of framesChecked) await dicom.decodeFrame(index);
    return { info: { file, format: 'dicom', ...describeDicom(dicom.info), pixels: { decodable: true, framesChecked } } };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const { readDicomHeaderFile } = await import('../dicom/read-dicom-header.js');
    let header: Awaited<ReturnType<typeof readDicomHeaderFile>>;
    try {
      header = await readDicomHeaderFile(file);
    } catch {
      throw err; // not even the header can be read: the first error says why
    }
    return {
      info: { file, format: 'dicom', ...describeDicom(header.info), pixels: { decodable: false, reason: err.message } },
      problem: err,
    };
  }
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
