/**
 * Blockwise 4-bit quantization (NF4 and FP4, as QLoRA stores frozen weights) on the WebAssembly
 * kernels.
 *
 * Each block of `blockSize` consecutive values (row-major; the last block may be shorter) stores its
 * absmax as float32. A value x of a block with absmax a gets the code of the level nearest to
 * t = x * f32(1 / a), computed in float32, by comparison with the float32 midpoints between levels
 * (strictly greater, so a tie takes the lower code; FP4 takes its sign from x < 0 and its magnitude
 * from |t|). A block of zeros gets the zero code (NF4 7, FP4 0) and decodes to zeros. Decoding is
 * level[code] * absmax in float32. The NF4 levels are bitsandbytes' float32 values:
 *   -1, -0.6961928, -0.5250731, -0.3949175, -0.2844414, -0.1847734, -0.0910500, 0,
 *   0.0795803, 0.1609302, 0.2461123, 0.3379152, 0.4407098, 0.5626170, 0.7229568, 1
 * and the FP4 magnitudes {0, 0.0625, 8, 12, 4, 6, 2, 3} / 12 for bits 2-0, bit 3 the sign.
 */
import { withScope } from "../runtime/operands.js";
import { parallelQuantize, parallelRanges } from "../runtime/parallel.js";
import { requireRuntime } from "../runtime/state.js";
import { checkValues, nonFiniteError, type ValuesInput } from "./inputs.js";
import { check4bitOut, checkFourBitQuantized, FORMAT_NUMBER, type Dequantize4bitOptions, plan4bit, quantizeAbsmax, type FourBitQuantized, type Quantize4bitOptions } from "./fourbit-layout.js";

/**
 * Quantizes values to packed 4-bit codes with one float32 absmax per block, by the rules in this
 * module's header. Double quantization of the absmax values is described in fourbit-layout.ts. Takes a
 * Float32Array, a Float64Array or a matrix (row-major, stride honoured). Float64 values are rounded to
 * float32 first, because the codes are computed in float32. `options.type` "nf4" (default) or "fp4", `options.blockSize`
 * (default 64), `options.doubleQuant` (default false). The input is not changed.
 * Throws RangeError for NaN or an infinity in x (naming the first), for float64 values beyond the
 * float32 range, and for a block size that is not a positive integer; TypeError for other input types
 * or options; NotReadyError before `ready()`.
 *
 * @example
 * const q = quantize4bit(w, { type: "nf4", blockSize: 64 });   // q.codes: ceil(n / 2) bytes, q.absmax
 * const approx = dequantize4bit(q);                            // Float32Array
 */
export function quantize4bit(x: ValuesInput, options?: Quantize4bitOptions): FourBitQuantized {
  const values = checkValues("quantize4bit", "x", x);
  const plan = plan4bit("quantize4bit", options);
  const runtime = requireRuntime("quantize4bit");
  const n = values.length;
  const blocks = Math.ceil(n / plan.blockSize);
  const codes = new Uint8Array(Math.ceil(n / 2));
  const absmax = new Float32Array(blocks);
  if (n > 0) {
    withScope(runtime, "quantize4bit", (scope) => {
      const source = scope.allocate(n * 4);
      const absmaxAddress = scope.allocate(blocks * 4);
      const codeAddress = scope.allocate(codes.length);
      new Float32Array(runtime.memory.buffer, source, n).set(values.dense);
      // Ranges start on a block boundary at an even index, so that no packed byte is split between two.
      const blockSize = plan.blockSize;
      const unit = blockSize % 2 === 0 ? blockSize : 2 * blockSize;
      const bad = parallelQuantize(runtime, "quantize_4bit", n, blockSize, (start, end, b) => [
        source + start * 4, end - start, blockSize, FORMAT_NUMBER[plan.type], absmaxAddress + b * 4, codeAddress + start / 2,
      ], unit);
      if (bad >= 0) throw nonFiniteError("quantize4bit", "x", values.dense, bad * plan.blockSize, Math.min(n, (bad + 1) * plan.blockSize));
      absmax.set(new Float32Array(runtime.memory.buffer, absmaxAddress, blocks));
      codes.set(new Uint8Array(runtime.memory.buffer, codeAddress, codes.length));
    });
  }
  const base = { format: plan.type, rows: values.rows, cols: values.cols, length: n, blockSize: plan.blockSize, codes, dtype: values.dtype };
  return plan.doubleQuant ? { ...base, quantizedAbsmax: quantizeAbsmax(absmax) } : { ...base, absmax };
}

/**
 * Decodes the result of `quantize4bit` into a new Float32Array of `q.length` values (row-major;
 * `matrix(q.rows, q.cols, result)` makes it a matrix): level[code] * absmax in float32, with the
 * absmax values first decoded when they were double-quantized. With `options.out` (a Float32Array of
 * q.length) the values are written there and it is returned.
 * Throws TypeError or RangeError when `q` is not a consistent quantize4bit result or `out` does not
 * fit, NotReadyError before `ready()`.
 *
 * @example
 * const approx = dequantize4bit(quantize4bit(w, { doubleQuant: true }));
 */
export function dequantize4bit(q: FourBitQuantized, options?: Dequantize4bitOptions): Float32Array {
  const { q: checked, absmax } = checkFourBitQuantized("dequantize4bit", q);
  const out = check4bitOut("dequantize4bit", options, checked.length);
  const runtime = requireRuntime("dequantize4bit");
  const n = checked.length;
  if (n === 0) return out ?? new Float32Array(0);
  return withScope(runtime, "dequantize4bit", (scope) => {
    const codeAddress = scope.allocate(checked.codes.length);
    const absmaxAddress = scope.allocate(absmax.length * 4);
    const target = scope.allocate(n * 4);
    const memory = runtime.memory.buffer;
    new Uint8Array(memory, codeAddress, checked.codes.length).set(checked.codes);
    new Float32Array(memory, absmaxAddress, absmax.length).set(absmax);
    const blockSize = checked.blockSize;
    const unit = blockSize % 2 === 0 ? blockSize : 2 * blockSize;
    parallelRanges(runtime, "dequantize_4bit", n, unit, (start, end) => [
      codeAddress + start / 2, end - start, blockSize, FORMAT_NUMBER[checked.format], absmaxAddress + (start / blockSize) * 4, target + start * 4,
    ]);
    const values = new Float32Array(runtime.memory.buffer, target, n);
    if (out === undefined) return values.slice();
    out.set(values);
    return out;
  });
}
