/**
 * Plain-JavaScript twins of quantize4bit and dequantize4bit: the same codes and values, a binary
 * search over the float32 midpoints per value and a level table to decode.
 */
import { checkValues, nonFiniteError, type ValuesInput } from "../../quant/inputs.js";
import { check4bitOut, checkFourBitQuantized, plan4bit, type Dequantize4bitOptions, quantizeAbsmax, type FourBitQuantized, type Quantize4bitOptions } from "../../quant/fourbit-layout.js";
import { FP4_CODE_OF_RANK, FP4_LEVELS, FP4_MIDPOINTS, NF4_LEVELS, NF4_MIDPOINTS } from "./tables.js";

/** Number of entries of the ascending `midpoints` strictly below t. */
function countBelow(t: number, midpoints: Float32Array): number {
  let low = 0;
  let high = midpoints.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (t > midpoints[middle]!) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** quantize4bit in plain JavaScript; same contract and results. */
export function quantize4bit(x: ValuesInput, options?: Quantize4bitOptions): FourBitQuantized {
  const values = checkValues("quantize4bit", "x", x);
  const plan = plan4bit("quantize4bit", options);
  const n = values.length;
  const data = values.dense instanceof Float32Array ? values.dense : new Float32Array(values.dense);
  const blocks = Math.ceil(n / plan.blockSize);
  const absmax = new Float32Array(blocks);
  const codes = new Uint8Array(Math.ceil(n / 2));
  const nf4 = plan.type === "nf4";
  for (let b = 0; b < blocks; b++) {
    const start = b * plan.blockSize;
    const end = Math.min(n, start + plan.blockSize);
    let largest = 0;
    for (let i = start; i < end; i++) {
      const magnitude = Math.abs(data[i]!);
      if (!(magnitude <= largest)) {
        if (!(magnitude <= 3.4028234663852886e38)) throw nonFiniteError("quantize4bit", "x", values.dense, start, end);
        largest = magnitude;
      }
    }
    absmax[b] = largest;
    const reciprocal = Math.fround(1 / largest);
    for (let i = start; i < end; i++) {
      const value = data[i]!;
      let code: number;
      if (largest === 0) code = nf4 ? 7 : 0;
      else {
        // The float64 product of two float32 values is exact, so fround gives the float32 product.
        const t = Math.fround(Number.isFinite(reciprocal) ? value * reciprocal : value / largest);
        code = nf4 ? countBelow(t, NF4_MIDPOINTS) : (value < 0 ? 8 : 0) | FP4_CODE_OF_RANK[countBelow(Math.abs(t), FP4_MIDPOINTS)]!;
      }
      if ((i & 1) === 0) codes[i >> 1] = code << 4;
      else codes[i >> 1]! |= code;
    }
  }
  const base = { format: plan.type, rows: values.rows, cols: values.cols, length: n, blockSize: plan.blockSize, codes, dtype: values.dtype };
  return plan.doubleQuant ? { ...base, quantizedAbsmax: quantizeAbsmax(absmax) } : { ...base, absmax };
}

/** dequantize4bit in plain JavaScript; same contract and results. */
export function dequantize4bit(q: FourBitQuantized, options?: Dequantize4bitOptions): Float32Array {
  const { q: checked, absmax } = checkFourBitQuantized("dequantize4bit", q);
  const n = checked.length;
  const out = check4bitOut("dequantize4bit", options, n) ?? new Float32Array(n);
  const levels = checked.format === "nf4" ? NF4_LEVELS : FP4_LEVELS;
  const { codes, blockSize } = checked;
  for (let b = 0; b < absmax.length; b++) {
    const start = b * blockSize;
    const end = Math.min(n, start + blockSize);
    const scale = absmax[b]!;
    for (let i = start; i < end; i++) {
      const byte = codes[i >> 1]!;
      out[i] = levels[(i & 1) === 0 ? byte >> 4 : byte & 15]! * scale;
    }
  }
  return out;
}
