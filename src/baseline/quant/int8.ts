/**
 * Plain-JavaScript twins of quantizeInt8 and dequantizeInt8: the same codes, scales and values, a
 * loop per group.
 */
import type { FloatArray } from "../../matrix.js";
import { checkValues, nonFiniteError, type ValuesInput } from "../../quant/inputs.js";
import { checkInt8Quantized, planInt8, dequantizeTarget, type DequantizeInt8Options, type Int8Quantized, type QuantizeInt8Options } from "../../quant/int8-layout.js";

/** x rounded half to even (a Math.round that moves ties at odd results down by one). */
function rint(x: number): number {
  const rounded = Math.round(x);
  return rounded - x === 0.5 && (rounded & 1) !== 0 ? rounded - 1 : rounded;
}

/** quantizeInt8 in plain JavaScript; same contract and results. */
export function quantizeInt8(x: ValuesInput, options?: QuantizeInt8Options): Int8Quantized {
  const values = checkValues("quantizeInt8", "x", x);
  const plan = planInt8("quantizeInt8", values, options);
  const data = values.dense;
  const n = values.length;
  const affine = plan.scheme === "affine";
  const scales = new Float32Array(plan.groups);
  const zeroPoints = new Uint8Array(affine ? plan.groups : 0);
  const codes = affine ? new Uint8Array(n) : new Int8Array(n);
  for (let g = 0; g < plan.groups; g++) {
    const start = g * plan.groupSize;
    const end = Math.min(n, start + plan.groupSize);
    let lo = 0;
    let hi = 0;
    for (let i = start; i < end; i++) {
      const value = data[i]!;
      if (value !== value) throw nonFiniteError("quantizeInt8", "x", data, start, end);
      if (value < lo) lo = value;
      if (value > hi) hi = value;
    }
    const scale = Math.fround(affine ? (hi - lo) / 255 : Math.max(hi, -lo) / 127);
    if (!Number.isFinite(scale)) throw nonFiniteError("quantizeInt8", "x", data, start, end);
    scales[g] = scale;
    if (scale === 0) continue;
    if (affine) {
      const zero = Math.min(Math.max(rint(-lo / scale), 0), 255);
      zeroPoints[g] = zero;
      for (let i = start; i < end; i++) codes[i] = Math.min(Math.max(rint(data[i]! / scale) + zero, 0), 255);
    } else {
      for (let i = start; i < end; i++) codes[i] = Math.min(Math.max(rint(data[i]! / scale), -127), 127);
    }
  }
  const base = { rows: values.rows, cols: values.cols, length: n, granularity: plan.granularity, groupSize: plan.groupSize, scales, dtype: values.dtype };
  return affine ? { ...base, format: "uint8", codes: codes as Uint8Array, zeroPoints } : { ...base, format: "int8", codes: codes as Int8Array };
}

/** dequantizeInt8 in plain JavaScript; same contract and results. */
export function dequantizeInt8(q: Int8Quantized, options?: DequantizeInt8Options): FloatArray {
  const checked = checkInt8Quantized("dequantizeInt8", q);
  const target = dequantizeTarget("dequantizeInt8", options, checked.length, checked.dtype);
  const n = checked.length;
  const out = target.out ?? (target.dtype === "f64" ? new Float64Array(n) : new Float32Array(n));
  const { codes, scales, groupSize } = checked;
  const zeroPoints = checked.format === "uint8" ? checked.zeroPoints : undefined;
  for (let g = 0; g < scales.length; g++) {
    const start = g * groupSize;
    const end = Math.min(n, start + groupSize);
    const scale = scales[g]!;
    const zero = zeroPoints === undefined ? 0 : zeroPoints[g]!;
    // The product of an 8-bit integer and a float32 is exact in float64; storing rounds it once.
    for (let i = start; i < end; i++) out[i] = (codes[i]! - zero) * scale;
  }
  return out;
}
