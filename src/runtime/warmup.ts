/**
 * Warm-up after instantiation. V8 first runs new wasm code in its baseline compiler and optimises it in
 * the background. A call that is already running does not switch to the optimised code, so a first
 * large matrix product measured about 3.5x slower than later ones (Node 20, V8 11.3). A few tiny calls
 * of each hot kernel, then one turn of the event loop, let the optimised code arrive first.
 */
import type { Runtime } from "./state.js";

const WARM_UP_CALLS = 3;
const WARM_UP_ELEMENTS = 64;
// More than gemm_workspace_bytes_f32(4, 8, 4) and gemm_workspace_bytes_f64(4, 4, 4) (384 bytes each).
const WARM_UP_WORKSPACE_BYTES = 1024;

/** Calls every hot kernel a few times on tiny inputs, then yields to the event loop once. */
export async function warmUp(runtime: Runtime): Promise<void> {
  const { exports, heap } = runtime;
  const bytes = WARM_UP_ELEMENTS * 8;
  const x = heap.allocate(bytes, "ready");
  const y = heap.allocate(bytes, "ready");
  const work = heap.allocate(WARM_UP_WORKSPACE_BYTES, "ready");
  try {
    new Uint8Array(runtime.memory.buffer, x, bytes).fill(0);
    new Uint8Array(runtime.memory.buffer, y, bytes).fill(0);
    for (let call = 0; call < WARM_UP_CALLS; call++) {
      exports.add_f64(x, y, y, WARM_UP_ELEMENTS);
      exports.add_f32(x, y, y, WARM_UP_ELEMENTS);
      exports.scale_f64(x, 1, y, WARM_UP_ELEMENTS);
      exports.scale_f32(x, 1, y, WARM_UP_ELEMENTS);
      exports.transpose_f64(x, 8, 8, 8, y, 8);
      exports.transpose_f32(x, 8, 8, 8, y, 8);
      // One full micro-kernel tile each (x is A and B, y is C) and a 4x4 matrix-vector product.
      exports.gemm_f64(0, 0, 4, 4, 4, 1, x, 4, x, 4, 0, y, 4, work);
      exports.gemm_f32(0, 0, 4, 8, 4, 1, x, 4, x, 8, 0, y, 8, work);
      exports.gemv_f64(0, 4, 4, 1, x, 4, x, 0, y, work);
      exports.gemv_f32(0, 4, 4, 1, x, 4, x, 0, y, work);
      exports.f32_to_f16(x, y, WARM_UP_ELEMENTS);
      exports.f16_to_f32(x, y, WARM_UP_ELEMENTS);
      exports.quantize_int8_f32(x, WARM_UP_ELEMENTS, WARM_UP_ELEMENTS, y, y + 4 * 8);
      exports.dequantize_int8_f32(x, y, WARM_UP_ELEMENTS, WARM_UP_ELEMENTS, y);
      exports.quantize_4bit(x, WARM_UP_ELEMENTS, WARM_UP_ELEMENTS, 0, y, y + 4 * 8);
      exports.dequantize_4bit(x, WARM_UP_ELEMENTS, WARM_UP_ELEMENTS, 0, y, y);
      // A 2 x 32 NF4 weight (32 bytes of codes at x, absmax at y) times one input: one SIMD step per row.
      exports.fourbit_matvec_f32(y, 1, 32, 32, x, y, WARM_UP_ELEMENTS, 0, 2, y + 256, 2, work);
    }
  } finally {
    heap.release(x);
    heap.release(y);
    heap.release(work);
  }
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}
