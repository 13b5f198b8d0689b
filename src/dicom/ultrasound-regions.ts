/**
 * The Sequence of Ultrasound Regions (0018,6011) as pixel boxes: the B-mode area,
 * M-mode and Doppler strips, with millimetres per pixel when the units are cm (the
 * magnitude of Physical Delta X/Y: a negative one only says the axis is flipped).
 */
import type { DataSet } from 'dicom-parser';
import type { UltrasoundRegion } from '../core/events.js';

/** PhysicalUnitsX/YDirection value meaning centimetres. */
const UNITS_CM = 3;

export function readUltrasoundRegions(ds: DataSet, columns: number, rows: number, warnings: string[]): UltrasoundRegion[] {
  const items = ds.elements.x00186011?.items ?? [];
  const regions: UltrasoundRegion[] = [];
  for (const item of items) {
    const r = item.dataSet;
    if (!r) continue;
    const minX = r.uint32('x00186018');
    const minY = r.uint32('x0018601a');
    const maxX = r.uint32('x0018601c');
    const maxY = r.uint32('x0018601e');
    if (minX === undefined || minY === undefined || maxX === undefined || maxY === undefined) continue;
    // Some vendors write MaxX1 = Columns (one past the last pixel): clip to the image.
    // A region far outside it usually means the image was resized after the header was written.
    if (maxX > columns || maxY > rows) {
      warnings.push(
        `ultrasound region ${regions.length} (${minX},${minY})-(${maxX},${maxY}) extends past the ${columns}x${rows} image: ` +
          'clipped; its mm per pixel may not match the pixels',
      );
    }
    const x0 = Math.min(minX, columns - 1);
    const y0 = Math.min(minY, rows - 1);
    const x1 = Math.min(maxX, columns - 1);
    const y1 = Math.min(maxY, rows - 1);
    if (x1 < x0 || y1 < y0) continue;
    const region: UltrasoundRegion = {
      x: x0,
      y: y0,
      width: x1 - x0 + 1,
      height: y1 - y0 + 1,
      spatialFormat: r.uint16('x00186012') ?? 0,
      dataType: r.uint16('x00186014') ?? 0,
    };
    const index = regions.length;
    const mmX = mmPerPixel(r.uint16('x00186024'), r.double('x0018602c'), `ultrasound region ${index} Physical Delta X`, warnings);
    const mmY = mmPerPixel(r.uint16('x00186026'), r.double('x0018602e'), `ultrasound region ${index} Physical Delta Y`, warnings);
    if (mmX !== undefined) region.mmPerPixelX = mmX;
    if (mmY !== undefined) region.mmPerPixelY = mmY;
    regions.push(region);
  }
  return regions;
}

/**
 * Millimetres per pixel from a Physical Delta in cm. PS3.3 C.8.5.5 defines it as the
 * physical change per step of one pixel in +x (+y), so a negative delta is an axis that
 * runs the other way (a flipped image): the spacing is its magnitude. Zero or non-finite deltas, or units other than cm, give none.
 */
function mmPerPixel(units: number | undefined, delta: number | undefined, what: string, warnings: string[]): number | undefined {
  if (units !== UNITS_CM || delta === undefined || !Number.isFinite(delta) || delta === 0) return undefined;
  if (delta < 0) warnings.push(`${what} is negative (${delta} cm, a flipped axis): its magnitude is used`);
  return Math.abs(delta) * 10;
}
