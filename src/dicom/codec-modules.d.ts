// Type declarations for the codec packages, which ship none.

declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (options?: { print?: (m: string) => void; printErr?: (m: string) => void }) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (options?: { print?: (m: string) => void; printErr?: (m: string) => void }) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: { print?: (m: string) => void; printErr?: (m: string) => void }) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    constructor(buffer?: ArrayBuffer, numBytes?: number);
    numComp: number;
    precision: number;
    xDim: number;
    yDim: number;
    /** Where the next sample goes: after a whole frame, xLoc 0 and yLoc yDim. */
    xLoc: number;
    yLoc: number;
    /** Set when a marker was met inside the entropy-coded data (see jpeg-lossless-marker-fix.ts). */
    markerIndex: number;
    stream: { index: number; buffer: Uint8Array } | null;
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
// The CharLS encoder build: used only by tests, to make JPEG-LS codestreams.
declare module '@cornerstonejs/codec-charls/wasmjs' {
  const factory: (options?: { print?: (m: string) => void; printErr?: (m: string) => void }) => Promise<Record<string, unknown>>;
  export default factory;
}
