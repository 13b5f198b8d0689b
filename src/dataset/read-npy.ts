/** Read a little-endian uint8 or float32 .npy file (C order), as NumPy writes them. */
import fs from 'node:fs';

export function readNpy(file: string): { shape: number[]; data: Uint8Array | Float32Array } {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not an .npy file`);
  const major = buf[6]!;
  const len = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + len;
  const dict = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const shape = (/'shape': \(([^)]*)\)/.exec(dict)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (dict.includes("'fortran_order': True")) throw new Error(`${file}: Fortran order is not supported`);
  const bytes = buf.subarray(start);
  if (dict.includes("'|u1'")) return { shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  if (dict.includes("'<f4'")) {
    const copy = new Float32Array(bytes.length / 4);
    new Uint8Array(copy.buffer).set(bytes);
    return { shape, data: copy };
  }
  throw new Error(`${file}: only uint8 and little-endian float32 .npy files are read`);
}
