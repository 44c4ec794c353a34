/**
 * Plain-JavaScript twins of `loraApply`, `loraMerge`, `loraUnmerge` and `qloraApply`, with the same
 * signatures, checks and errors (resident inputs excepted), built on the baseline `matmul`. They serve
 * as the benchmarks' baseline and as an independent check of the kernels.
 */
import { typeError } from "../errors.js";
import { allocateMatrix, type Matrix } from "../matrix.js";
import { checkOptions } from "../linalg/checks.js";
import { checkAdapter, checkBatch, checkLoraOut, checkOperand, checkWeightFits, type LoraFactors, type LoraOutOptions } from "../lora/checks.js";
import { checkQloraShapes, checkVectorOut } from "../lora/qlora.js";
import type { CheckedInput } from "../runtime/operands.js";
import { checkFourBitQuantized, type FourBitQuantized } from "../quant/fourbit-layout.js";
import { FP4_LEVELS, NF4_LEVELS } from "./quant/tables.js";
import { matmul } from "./matmul.js";

/** Y = X W^T + scaling (X A^T) B^T in plain JavaScript; same contract as the wasm-backed `loraApply`. */
export function loraApply(x: Matrix, weight: Matrix, adapter: LoraFactors, options?: LoraOutOptions): Matrix {
  const lora = checkAdapter("loraApply", adapter, false);
  const input = checkOperand("loraApply", "x", x, false);
  const w = checkOperand("loraApply", "weight", weight, false);
  checkBatch("loraApply", input, lora);
  checkWeightFits("loraApply", "weight", w, lora);
  const opts = checkOptions<LoraOutOptions>("loraApply", options);
  const inputs: Array<[string, CheckedInput]> = [["x", input], ["weight", w], ["adapter.A", lora.A], ["adapter.B", lora.B]];
  checkLoraOut("loraApply", opts.out, input.rows, lora.outFeatures, lora.dtype, `batch x out: x is ${input.rows}x${lora.inFeatures}`, inputs);

  const t = matmul(x, adapter.A as Matrix, { transB: true });
  const y = matmul(x, weight, { transB: !lora.fanInFanOut, ...(opts.out !== undefined ? { out: opts.out } : {}) });
  return matmul(t, adapter.B as Matrix, { transB: true, alpha: lora.scaling, beta: 1, out: y });
}

function mergeWith(functionName: string, sign: 1 | -1, weight: Matrix, adapter: LoraFactors, options: unknown): Matrix {
  const lora = checkAdapter(functionName, adapter, false);
  const w = checkOperand(functionName, "weight", weight, false);
  checkWeightFits(functionName, "weight", w, lora);
  const opts = checkOptions<LoraOutOptions>(functionName, options);
  checkLoraOut(functionName, opts.out, w.rows, w.cols, w.dtype, "the shape of weight", [["adapter.A", lora.A], ["adapter.B", lora.B]]);
  const target = opts.out ?? weight;
  if (target !== weight) {
    const stride = w.plain!.stride;
    const targetStride = target.stride ?? target.cols;
    for (let i = 0; i < w.rows; i++) target.data.set(weight.data.subarray(i * stride, i * stride + w.cols), i * targetStride);
  }
  const A = adapter.A as Matrix;
  const B = adapter.B as Matrix;
  const alpha = sign * lora.scaling;
  if (lora.fanInFanOut) return matmul(A, B, { transA: true, transB: true, alpha, beta: 1, out: target });
  return matmul(B, A, { alpha, beta: 1, out: target });
}

/** W += scaling B A in plain JavaScript; same contract as the wasm-backed `loraMerge`. */
export function loraMerge(weight: Matrix, adapter: LoraFactors, options?: LoraOutOptions): Matrix {
  return mergeWith("loraMerge", 1, weight, adapter, options);
}

/** W -= scaling B A in plain JavaScript; same contract as the wasm-backed `loraUnmerge`. */
export function loraUnmerge(weight: Matrix, adapter: LoraFactors, options?: LoraOutOptions): Matrix {
  return mergeWith("loraUnmerge", -1, weight, adapter, options);
}

/**
 * QLoRA's forward pass in plain JavaScript: each weight row is decoded into a float32 row buffer (so
 * the whole float weight never exists here either) and multiplied into every sample, in double sums
 * rounded once to float32. Same contract as the wasm-backed `qloraApply`, without resident inputs.
 */
export function qloraApply(x: Float32Array, weight: FourBitQuantized, adapter: LoraFactors, options?: { out?: Float32Array }): Float32Array;
export function qloraApply(x: Matrix, weight: FourBitQuantized, adapter: LoraFactors, options?: LoraOutOptions): Matrix;
export function qloraApply(x: Matrix | Float32Array, weight: FourBitQuantized, adapter: LoraFactors, options?: { out?: Matrix | Float32Array }): Matrix | Float32Array {
  const functionName = "qloraApply";
  const lora = checkAdapter(functionName, adapter, false);
  const vector = ArrayBuffer.isView(x);
  if (vector && !(x instanceof Float32Array)) throw typeError(functionName, "x", "be a float32 matrix or a Float32Array", x);
  const matrixX = vector ? { rows: 1, cols: (x as Float32Array).length, data: x as Float32Array } : (x as Matrix);
  const input = checkOperand(functionName, "x", matrixX, false);
  const { q, absmax } = checkFourBitQuantized(functionName, weight);
  checkQloraShapes(functionName, input, { rows: q.rows, cols: q.cols, format: q.format, blockSize: q.blockSize }, lora);
  const opts = checkOptions<{ out?: Matrix | Float32Array }>(functionName, options);
  const { inFeatures: n, outFeatures: m } = lora;
  const batch = input.rows;
  const outMatrix = vector && opts.out !== undefined ? checkVectorOut(functionName, opts.out, m) : (opts.out as Matrix | undefined);
  const out = checkLoraOut(functionName, outMatrix, batch, m, "f32", `batch x out: x is ${batch}x${n}`, [["x", input], ["adapter.A", lora.A], ["adapter.B", lora.B]]);
  const y = out ?? { ...allocateMatrix(batch, m, "f32"), stride: m };

  // Y = X dequant(W)^T, one decoded row at a time.
  const levels = q.format === "nf4" ? NF4_LEVELS : FP4_LEVELS;
  const row = new Float32Array(n);
  const xs = input.plain!;
  for (let o = 0; o < m; o++) {
    for (let i = 0; i < n; i++) {
      const g = o * n + i;
      const byte = q.codes[g >> 1]!;
      row[i] = levels[(g & 1) === 0 ? byte >> 4 : byte & 15]! * absmax[Math.floor(g / q.blockSize)]!;
    }
    for (let b = 0; b < batch; b++) {
      let sum = 0;
      const start = b * xs.stride;
      for (let i = 0; i < n; i++) sum += row[i]! * xs.data[start + i]!;
      y.data[b * y.stride + o] = sum;
    }
  }

  // Y += scaling (X A^T) B^T.
  const t = matmul(matrixX, adapter.A as Matrix, { transB: true });
  matmul(t, adapter.B as Matrix, { transB: true, alpha: lora.scaling, beta: 1, out: y });
  if (vector) return (opts.out as Float32Array | undefined) ?? (y.data as Float32Array);
  return (opts.out as Matrix | undefined) ?? { rows: batch, cols: m, data: y.data };
}
