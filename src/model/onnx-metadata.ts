/**
 * Read the `metadata_props` of an ONNX model file (ModelProto field 14, a list of
 * key/value string pairs). onnxruntime-node does not expose them, and a full
 * protobuf library for two string fields is not worth the dependency: this walks
 * the top-level fields of the message and skips everything else by its length.
 */
import fs from 'node:fs';

export function readOnnxMetadata(file: string): Record<string, string> {
  return parseOnnxMetadata(fs.readFileSync(file));
}

export function parseOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const decoder = new TextDecoder();
  for (const field of fields(bytes, 0, bytes.length)) {
    if (field.number !== 14 || field.wireType !== 2) continue;
    let key = '';
    let value = '';
    for (const inner of fields(bytes, field.start, field.end)) {
      if (inner.wireType !== 2) continue;
      const text = decoder.decode(bytes.subarray(inner.start, inner.end));
      if (inner.number === 1) key = text;
      else if (inner.number === 2) value = text;
    }
    if (key) out[key] = value;
  }
  return out;
}

interface Field {
  number: number;
  wireType: number;
  start: number;
  end: number;
}

function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) throw new Error('truncated protobuf varint');
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < end) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === 0) {
      varint();
      yield { number, wireType, start: pos, end: pos };
    } else if (wireType === 1) {
      pos += 8;
    } else if (wireType === 2) {
      const len = varint();
      const s = pos;
      pos += len;
      if (pos > end) throw new Error('truncated protobuf field');
      yield { number, wireType, start: s, end: pos };
    } else if (wireType === 5) {
      pos += 4;
    } else {
      throw new Error(`unexpected protobuf wire type ${wireType}`);
    }
  }
}
