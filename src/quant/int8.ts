/**
 * 8-bit quantization on the WebAssembly kernels: symmetric absmax int8 and affine uint8, per tensor,
 * per row or per block.
 *
 *   int8:  scale = f32(absmax / 127), code = clamp(rint(x / scale), -127, 127), value = code * scale
 *   uint8: lo = min(min x, 0), hi = max(max x, 0), scale = f32((hi - lo) / 255),
 *          zeroPoint = clamp(rint(-lo / scale), 0, 255), code = clamp(rint(x / scale) + zeroPoint, 0, 255),
 *          value = (code - zeroPoint) * scale
 *
 * rint rounds half to even; x / scale is computed in float64 from the stored float32 scale. A group
 * whose scale is 0 (all zeros, or a range too small for a float32 scale) gets codes 0 and zero point 0.
 */
import type { FloatArray } from "../matrix.js";
import { withScope } from "../runtime/operands.js";
import { parallelQuantize, parallelRanges } from "../runtime/parallel.js";
import { requireRuntime } from "../runtime/state.js";
import { checkValues, nonFiniteError, type ValuesInput } from "./inputs.js";
import { checkInt8Quantized, planInt8, dequantizeTarget, type DequantizeInt8Options, type Int8Quantized, type QuantizeInt8Options } from "./int8-layout.js";

/**
 * Quantizes values to 8-bit codes with one float32 scale per group (formulas in this module's
 * header). Takes a Float32Array, a Float64Array or a matrix (row-major, stride honoured; a resident
 * matrix too). `options.granularity` is "row" (default for a matrix), "tensor" (default for a typed
 * array) or "block" (`options.blockSize` values, default 64). `options.scheme` is "absmax" (int8, the
 * default) or "affine" (uint8 with zero points). The input is not changed.
 * Throws RangeError for NaN or an infinity in x (naming the first), for a float64 range whose scale
 * overflows float32, and for a block size that is not a positive integer; TypeError for other input
 * types or options; NotReadyError before `ready()`.
 *
 * @example
 * const q = quantizeInt8(w);                     // per row: q.codes Int8Array, q.scales one per row
 * const w8 = dequantizeInt8(q);                  // Float64Array if w was f64
 * const a = quantizeInt8(x, { scheme: "affine", granularity: "tensor" });   // uint8 + zeroPoints
 */
export function quantizeInt8(x: ValuesInput, options?: QuantizeInt8Options): Int8Quantized {
  const values = checkValues("quantizeInt8", "x", x);
  const plan = planInt8("quantizeInt8", values, options);
  const runtime = requireRuntime("quantizeInt8");
  const n = values.length;
  const affine = plan.scheme === "affine";
  const scales = new Float32Array(plan.groups);
  const zeroPoints = new Uint8Array(affine ? plan.groups : 0);
  const codes = affine ? new Uint8Array(n) : new Int8Array(n);
  if (n > 0) {
    withScope(runtime, "quantizeInt8", (scope) => {
      const f64 = values.dtype === "f64";
      const source = scope.allocate(n * (f64 ? 8 : 4));
      const scaleAddress = scope.allocate(plan.groups * 4);
      const zeroAddress = scope.allocate(plan.groups);
      const codeAddress = scope.allocate(n);
      if (f64) new Float64Array(runtime.memory.buffer, source, n).set(values.dense);
      else new Float32Array(runtime.memory.buffer, source, n).set(values.dense);
      const group = plan.groupSize;
      const size = f64 ? 8 : 4;
      const bad = affine
        ? parallelQuantize(runtime, f64 ? "quantize_uint8_f64" : "quantize_uint8_f32", n, group, (start, end, g) => [
            source + start * size, end - start, group, scaleAddress + g * 4, zeroAddress + g, codeAddress + start,
          ])
        : parallelQuantize(runtime, f64 ? "quantize_int8_f64" : "quantize_int8_f32", n, group, (start, end, g) => [
            source + start * size, end - start, group, scaleAddress + g * 4, codeAddress + start,
          ]);
      if (bad >= 0) throw nonFiniteError("quantizeInt8", "x", values.dense, bad * plan.groupSize, Math.min(n, (bad + 1) * plan.groupSize));
      const memory = runtime.memory.buffer;
      scales.set(new Float32Array(memory, scaleAddress, plan.groups));
      codes.set(affine ? new Uint8Array(memory, codeAddress, n) : new Int8Array(memory, codeAddress, n));
      if (affine) zeroPoints.set(new Uint8Array(memory, zeroAddress, plan.groups));
    });
  }
  const base = { rows: values.rows, cols: values.cols, length: n, granularity: plan.granularity, groupSize: plan.groupSize, scales, dtype: values.dtype };
  return affine ? { ...base, format: "uint8", codes: codes as Uint8Array, zeroPoints } : { ...base, format: "int8", codes: codes as Int8Array };
}

/**
 * Decodes the result of `quantizeInt8` into a new Float32Array or Float64Array of `q.length` values in
 * row-major order, so `matrix(q.rows, q.cols, result)` makes it a matrix again. Each value is
 * code * scale, or (code - zeroPoint) * scale for uint8, rounded once to the result type, which is
 * `options.dtype`, by default the type of the quantized input. With `options.out` (a Float32Array or
 * Float64Array of q.length, which then sets the type) the values are written there and it is returned;
 * reusing one saves allocating (and the engine zeroing) a fresh array per call.
 * Throws TypeError or RangeError when `q` is not a consistent quantizeInt8 result or `out` does not
 * fit, NotReadyError before `ready()`.
 *
 * @example
 * const approx = dequantizeInt8(quantizeInt8(w), { dtype: "f32" });
 */
export function dequantizeInt8(q: Int8Quantized, options?: DequantizeInt8Options): FloatArray {
  const checked = checkInt8Quantized("dequantizeInt8", q);
  const { dtype, out } = dequantizeTarget("dequantizeInt8", options, checked.length, checked.dtype);
  const runtime = requireRuntime("dequantizeInt8");
  const n = checked.length;
  if (n === 0) return out ?? (dtype === "f64" ? new Float64Array(0) : new Float32Array(0));
  const groups = checked.scales.length;
  return withScope(runtime, "dequantizeInt8", (scope) => {
    const codeAddress = scope.allocate(n);
    const scaleAddress = scope.allocate(groups * 4);
    const target = scope.allocate(n * (dtype === "f64" ? 8 : 4));
    const zeroAddress = scope.allocate(checked.format === "uint8" ? groups : 0);
    const memory = runtime.memory.buffer;
    new Uint8Array(memory, codeAddress, n).set(new Uint8Array(checked.codes.buffer, checked.codes.byteOffset, n));
    new Float32Array(memory, scaleAddress, groups).set(checked.scales);
    const group = checked.groupSize;
    const size = dtype === "f64" ? 8 : 4;
    if (checked.format === "uint8") {
      new Uint8Array(memory, zeroAddress, groups).set(checked.zeroPoints);
      parallelRanges(runtime, dtype === "f64" ? "dequantize_uint8_f64" : "dequantize_uint8_f32", n, group, (start, end) => [
        codeAddress + start, scaleAddress + (start / group) * 4, zeroAddress + start / group, end - start, group, target + start * size,
      ]);
    } else {
      parallelRanges(runtime, dtype === "f64" ? "dequantize_int8_f64" : "dequantize_int8_f32", n, group, (start, end) => [
        codeAddress + start, scaleAddress + (start / group) * 4, end - start, group, target + start * size,
      ]);
    }
    const result = runtime.memory.buffer;
    const values = dtype === "f64" ? new Float64Array(result, target, n) : new Float32Array(result, target, n);
    if (out === undefined) return values.slice();
    out.set(values);
    return out;
  });
}
