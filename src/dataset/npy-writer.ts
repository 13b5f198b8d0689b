/**
 * Write a uint8 .npy file frame by frame without holding it in memory: the header is
 * written with room for the final shape, frames are appended, and the header is
 * rewritten with the real frame count on close. NumPy reads it with np.load.
 */
import fs from 'node:fs';

const HEADER_LEN = 128; // magic(6) + version(2) + len(2) + dict padded with spaces, ending in \n

function header(shape: number[]): Buffer {
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const body = dict.padEnd(HEADER_LEN - 10 - 1, ' ') + '\n';
  if (body.length + 10 !== HEADER_LEN) throw new Error('npy header too long');
  const buf = Buffer.alloc(HEADER_LEN);
  buf.write('\x93NUMPY', 0, 'latin1');
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(HEADER_LEN - 10, 8);
  buf.write(body, 10, 'latin1');
  return buf;
}

export class NpyFrameWriter {
  private readonly fd: number;
  private count = 0;

  constructor(
    readonly file: string,
    private readonly frameShape: number[],
  ) {
    this.fd = fs.openSync(file, 'w');
    fs.writeSync(this.fd, header([0, ...frameShape]));
  }

  append(frame: Uint8Array): void {
    fs.writeSync(this.fd, frame);
    this.count++;
  }

  get frames(): number {
    return this.count;
  }

  close(): void {
    fs.writeSync(this.fd, header([this.count, ...this.frameShape]), 0, HEADER_LEN, 0);
    fs.closeSync(this.fd);
  }
}

/** Read a uint8 .npy written by NpyFrameWriter (tests, tools). */
export function readNpyUint8(file: string): { shape: number[]; data: Uint8Array } {
  const buf = fs.readFileSync(file);
  const len = buf.readUInt16LE(8);
  const dict = buf.toString('latin1', 10, 10 + len);
  const m = /'shape': \(([^)]*)\)/.exec(dict);
  if (!m || !dict.includes("'|u1'")) throw new Error(`${file}: not a uint8 npy`);
  const shape = m[1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + 10 + len, buf.length - 10 - len) };
}
