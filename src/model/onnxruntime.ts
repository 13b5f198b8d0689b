/**
 * onnxruntime-node, loaded on first use (so `list`, `validate` and `schema` never load the
 * native addon) and then kept: under the tsx loader every `await import()` resolves the
 * module again, about 0.3 ms of CPU, which streaming mode paid twice per frame.
 */
type Onnxruntime = typeof import('onnxruntime-node');

let loaded: Onnxruntime | undefined;

export async function onnxruntime(): Promise<Onnxruntime> {
  return (loaded ??= await import('onnxruntime-node'));
}
