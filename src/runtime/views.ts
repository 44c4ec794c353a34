/**
 * Typed-array views of wasm memory and the copies in and out of it. A view is made afresh for every
 * copy, because growing the memory detaches every view made before.
 */
import type { CheckedMatrix, DType, FloatArray } from "../matrix.js";
import type { Runtime } from "./state.js";

/** Bytes per element of a dtype. */
export function elementBytes(dtype: DType): number {
  return dtype === "f64" ? 8 : 4;
}

/** Returns a fresh view of `length` elements at `address`; valid until the memory next grows. */
export function viewOf(runtime: Runtime, dtype: DType, address: number, length: number): FloatArray {
  return dtype === "f64"
    ? new Float64Array(runtime.memory.buffer, address, length)
    : new Float32Array(runtime.memory.buffer, address, length);
}

/**
 * Copies the rows of `source` to `address` with leading dimension `ld` (>= cols). With `ld` equal to
 * the source's stride the span is copied in one piece.
 */
export function copyRowsIn(runtime: Runtime, source: CheckedMatrix, address: number, ld: number): void {
  const { rows, cols, stride, data, dtype } = source;
  if (rows === 0 || cols === 0) return;
  if (ld === stride) {
    const span = (rows - 1) * stride + cols;
    viewOf(runtime, dtype, address, span).set(data.subarray(0, span));
    return;
  }
  const target = viewOf(runtime, dtype, address, (rows - 1) * ld + cols);
  for (let i = 0; i < rows; i++) target.set(data.subarray(i * stride, i * stride + cols), i * ld);
}

/** Copies a rows x cols block at `address` (leading dimension `ld`) into `target`, honouring its stride. */
export function copyRowsOut(runtime: Runtime, address: number, ld: number, target: CheckedMatrix): void {
  const { rows, cols, stride, data, dtype } = target;
  if (rows === 0 || cols === 0) return;
  const source = viewOf(runtime, dtype, address, (rows - 1) * ld + cols);
  if (ld === cols && stride === cols) {
    data.set(source);
    return;
  }
  for (let i = 0; i < rows; i++) data.set(source.subarray(i * ld, i * ld + cols), i * stride);
}
