/**
 * A patched `jpeg-lossless-decoder-js` (2.1.2) Decoder that no longer drops the last
 * sample of a scan.
 *
 * The defect: when the decoder reads the first byte of a marker (0xFF, then a non-zero
 * byte, e.g. the EOI at the end of every frame) it appends those eight 1-bits to its bit
 * buffer and sets `markerIndex = 9`; later it decides "the marker is reached" when fewer
 * than `markerIndex` bits remain. But exactly 8 remaining bits means every real bit was
 * consumed and only the marker's bits are left: the code just read was complete and
 * valid. With 9, a Huffman code (or its difference bits) that ends exactly on the byte
 * boundary before the marker is taken for the marker, and the sample is never written:
 * the last pixel of a frame stays 0 where libjpeg (dcmtk) and GDCM give its value. Upstream
 * papers over half of this (`getn` skips the test `&& !this.isLastPixel()`) but not the
 * Huffman-code half, which loses the last pixel whenever it equals its prediction (a
 * difference category of 0) and its code ends on that boundary: about 1 frame in 6 with a
 * flat bottom-right corner, in tests against dcmtk.
 *
 * The upstream fix is one constant (`this.markerIndex = 9` -> `8`, in `getHuffmanValue`
 * and `getn`). This subclass makes exactly that change without copying the decoder: every
 * write of 9 to `markerIndex` is stored as 8. Nothing else in the decoder reads the value
 * except `!== 0` tests, which are unchanged.
 */
import { Decoder } from 'jpeg-lossless-decoder-js';

/** The threshold upstream writes when it meets a marker, and the one that is right. */
const UPSTREAM_MARKER_BITS = 9;
const MARKER_BITS = 8;

export class MarkerFixedLosslessDecoder extends Decoder {
  constructor() {
    super();
    // `markerIndex` is an own data field set by the base constructor, so the accessor
    // must be defined on the instance (a prototype accessor would be shadowed).
    let markerBits = 0;
    Object.defineProperty(this, 'markerIndex', {
      configurable: true,
      enumerable: true,
      get: () => markerBits,
      set: (value: number) => {
        markerBits = value === UPSTREAM_MARKER_BITS ? MARKER_BITS : value;
      },
    });
  }
}
