/**
 * The file names of a model's forms, side by side: `<stem>.onnx` (window, fp32),
 * `<stem>.streaming.onnx`, `<stem>.int8.onnx` and `<stem>.streaming.int8.onnx` (written by
 * training/export_streaming.py and training/quantize_int8.py). Pure: names only, no I/O.
 */

export type ModelMode = 'window' | 'streaming';
export type ModelPrecision = 'fp32' | 'int8';

/**
 * The file of the form asked for, beside `file`: streaming mode adds `.streaming`, int8
 * adds `.int8`. What the name already says is kept (a `.streaming.onnx` file stays
 * streaming, an `.int8.onnx` file stays int8), and a name not ending in `.onnx` is used as is.
 */
export function modelFormFile(file: string, form: { mode?: ModelMode; precision?: ModelPrecision }): string {
  const m = /^(.*?)(\.streaming)?(\.int8)?\.onnx$/.exec(file);
  if (!m) return file;
  const [, stem, streaming = '', int8 = ''] = m;
  return `${stem}${form.mode === 'streaming' ? '.streaming' : streaming}${form.precision === 'int8' ? '.int8' : int8}.onnx`;
}
