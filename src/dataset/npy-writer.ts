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
