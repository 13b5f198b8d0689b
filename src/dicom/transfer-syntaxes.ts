/**
 * The transfer syntaxes the reader knows: how the dataset is encoded and which
 * decoder the pixel data needs. Anything not listed here is refused by name.
 */

export type PixelEncoding = 'native' | 'encapsulated-native' | 'rle' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'unsupported';

export interface TransferSyntax {
  uid: string;
  name: string;
  pixelEncoding: PixelEncoding;
  bigEndian?: boolean;
  /** The dataset after the file meta group is raw-deflated. */
  deflatedDataset?: boolean;
  /** Why it is refused, for `unsupported` ones. */
  refusal?: string;
}

const LIST: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', pixelEncoding: 'native' },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', pixelEncoding: 'native' },
  { uid: '1.2.840.10008.1.2.1.98', name: 'Encapsulated Uncompressed Explicit VR Little Endian', pixelEncoding: 'encapsulated-native' },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', pixelEncoding: 'native', deflatedDataset: true },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian (retired)', pixelEncoding: 'native', bigEndian: true },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', pixelEncoding: 'rle' },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', pixelEncoding: 'jpeg' },
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (Process 2 & 4)', pixelEncoding: 'jpeg' },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless, Non-Hierarchical (Process 14)', pixelEncoding: 'jpeg-lossless' },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG Lossless, First-Order Prediction (Process 14 SV1)', pixelEncoding: 'jpeg-lossless' },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', pixelEncoding: 'jpeg-ls' },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-Lossless', pixelEncoding: 'jpeg-ls' },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Lossless', pixelEncoding: 'jpeg2000' },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', pixelEncoding: 'jpeg2000' },
  {
    uid: '1.2.840.10008.1.2.4.92',
    name: 'JPEG 2000 Part 2 Multi-component Lossless',
    pixelEncoding: 'unsupported',
    refusal: 'JPEG 2000 Part 2 multi-component transforms are not decoded',
  },
  {
    uid: '1.2.840.10008.1.2.4.93',
    name: 'JPEG 2000 Part 2 Multi-component',
    pixelEncoding: 'unsupported',
    refusal: 'JPEG 2000 Part 2 multi-component transforms are not decoded',
  },
  { uid: '1.2.840.10008.1.2.4.201', name: 'High-Throughput JPEG 2000 Lossless', pixelEncoding: 'unsupported', refusal: 'HTJ2K is not decoded' },
  { uid: '1.2.840.10008.1.2.4.202', name: 'High-Throughput JPEG 2000 with RPCL Lossless', pixelEncoding: 'unsupported', refusal: 'HTJ2K is not decoded' },
  { uid: '1.2.840.10008.1.2.4.203', name: 'High-Throughput JPEG 2000', pixelEncoding: 'unsupported', refusal: 'HTJ2K is not decoded' },
  { uid: '1.2.840.10008.1.2.4.100', name: 'MPEG2 Main Profile @ Main Level', pixelEncoding: 'unsupported', refusal: 'video-encoded pixel data' },
  { uid: '1.2.840.10008.1.2.4.101', name: 'MPEG2 Main Profile @ High Level', pixelEncoding: 'unsupported', refusal: 'video-encoded pixel data' },
  { uid: '1.2.840.10008.1.2.4.102', name: 'MPEG-4 AVC/H.264 High Profile / Level 4.1', pixelEncoding: 'unsupported', refusal: 'video-encoded pixel data' },
  {
    uid: '1.2.840.10008.1.2.4.103',
    name: 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1',
    pixelEncoding: 'unsupported',
    refusal: 'video-encoded pixel data',
  },
  {
    uid: '1.2.840.10008.1.2.4.104',
    name: 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video',
    pixelEncoding: 'unsupported',
    refusal: 'video-encoded pixel data',
  },
  {
    uid: '1.2.840.10008.1.2.4.105',
    name: 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video',
    pixelEncoding: 'unsupported',
    refusal: 'video-encoded pixel data',
  },
  {
    uid: '1.2.840.10008.1.2.4.106',
    name: 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2',
    pixelEncoding: 'unsupported',
    refusal: 'video-encoded pixel data',
  },
  { uid: '1.2.840.10008.1.2.4.107', name: 'HEVC/H.265 Main Profile / Level 5.1', pixelEncoding: 'unsupported', refusal: 'video-encoded pixel data' },
  { uid: '1.2.840.10008.1.2.4.108', name: 'HEVC/H.265 Main 10 Profile / Level 5.1', pixelEncoding: 'unsupported', refusal: 'video-encoded pixel data' },
  { uid: '1.2.840.10008.1.2.4.110', name: 'JPEG XL Lossless', pixelEncoding: 'unsupported', refusal: 'JPEG XL is not decoded' },
  { uid: '1.2.840.10008.1.2.4.111', name: 'JPEG XL JPEG Recompression', pixelEncoding: 'unsupported', refusal: 'JPEG XL is not decoded' },
  { uid: '1.2.840.10008.1.2.4.112', name: 'JPEG XL', pixelEncoding: 'unsupported', refusal: 'JPEG XL is not decoded' },
  {
    uid: '1.2.840.10008.1.2.8.1',
    name: 'Deflated Image Frame Compression',
    pixelEncoding: 'unsupported',
    refusal: 'per-frame deflated pixel data is not decoded',
  },
];

const BY_UID = new Map(LIST.map((ts) => [ts.uid, ts]));

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';

/** The transfer syntax for `uid`; unknown UIDs come back as `unsupported`. */
export function transferSyntax(uid: string): TransferSyntax {
  return (
    BY_UID.get(uid) ?? {
      uid,
      name: `unknown transfer syntax ${uid}`,
      pixelEncoding: 'unsupported',
      refusal: 'the transfer syntax is not known to autodvt',
    }
  );
}

/** Every transfer syntax whose pixel data can be decoded. */
export function supportedTransferSyntaxes(): TransferSyntax[] {
  return LIST.filter((ts) => ts.pixelEncoding !== 'unsupported');
}
