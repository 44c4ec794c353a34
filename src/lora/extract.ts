/**
 * Making LoRA adapters from weights, and changing their rank: `loraExtract` factors the difference of
 * a fine-tuned and a base weight, `loraResize` truncates an adapter without forming its out x in
 * update.
 *
 * Scaling convention of the adapters both return: PEFT applies scaling * B A with scaling =
 * lora_alpha / r (or lora_alpha / sqrt(r) with rsLoRA). The returned factors carry sqrt(S / scaling)
 * on each side, B = U_r sqrt(S_r / scaling) and A = sqrt(S_r / scaling) V_r^T, so that scaling * B A
 * is the truncated SVD for whatever lora_alpha is chosen. The default lora_alpha is r, giving
 * scaling 1; pass `alpha` to match an existing adapter_config.json.
 */
import { rangeError, rangeErrorDescribed, typeError } from "../errors.js";
import { allocateMatrix, shapeText, checkSameDType, type DType, type FloatArray, type Matrix } from "../matrix.js";
import { checkOptions } from "../linalg/checks.js";
import { sub } from "../linalg/elementwise.js";
import { matmul } from "../linalg/matmul.js";
import { qr } from "../linalg/qr.js";
import { svd } from "../linalg/svd.js";
import { lowRank, type LowRankMethod } from "../lowrank/lowrank.js";
import type { RandomizedSvdOptions } from "../lowrank/randomized.js";
import { discardedEnergy } from "../lowrank/energy.js";
import { checkFinite, checkRank, denseAs, leadingColumns, leadingRows, scaledNorm } from "../lowrank/checks.js";
import { checkInput, type CheckedInput, type MatrixInput } from "../runtime/operands.js";
import { loraScaling } from "./adapter.js";
import { checkAdapter, type LoraFactors } from "./checks.js";

/** The scaling settings of a new adapter. */
export interface LoraScalingOptions {
  /** lora_alpha of the new adapter. Default: its rank, so that the scaling is 1. */
  alpha?: number;
  /** Scale by lora_alpha / sqrt(r) (rsLoRA) instead of lora_alpha / r. Default false. */
  useRslora?: boolean;
}

/** Options of `loraExtract`. */
export interface LoraExtractOptions extends LoraScalingOptions, RandomizedSvdOptions {
  /** The weights are stored in x out (GPT-2's Conv1D). Default false (out x in). */
  fanInFanOut?: boolean;
  /** "exact" (default) or "randomized" truncated SVD of the difference, as `lowRank` computes it. */
  method?: LowRankMethod;
}

/** An adapter made by `loraExtract` or `loraResize`, with what its rank keeps. */
export interface LoraAdapterFactors<T extends FloatArray = FloatArray> {
  /** lora_A: rank x in. */
  A: Matrix<T>;
  /** lora_B: out x rank. */
  B: Matrix<T>;
  rank: number;
  /** lora_alpha the scaling comes from. */
  alpha: number;
  /** lora_alpha / rank, or lora_alpha / sqrt(rank) with rsLoRA. */
  scaling: number;
  fanInFanOut: boolean;
  /**
   * Singular values of the update being truncated, in float64, decreasing: all min(out, in) of the
   * difference for `loraExtract` (the k estimated ones with the randomized method), the r of
   * scaling * B A for `loraResize`.
   */
  S: Float64Array;
  /** Frobenius norm of what the truncation leaves out. */
  errorFro: number;
  /** errorFro over the Frobenius norm of the whole update (0 for a zero update). */
  relativeError: number;
}

/** The result of `loraResize`: the new adapter, and the energy every rank would keep. */
export interface LoraResizeResult<T extends FloatArray = FloatArray> extends LoraAdapterFactors<T> {
  /** energyKept[i]: the fraction of ||scaling B A||_F^2 that rank i + 1 keeps, for i = 0 .. r - 1. */
  energyKept: Float64Array;
}

/** The result of `loraExtract`: the adapter, and the fraction of the difference's energy it keeps. */
export interface LoraExtractResult<T extends FloatArray = FloatArray> extends LoraAdapterFactors<T> {
  /** Fraction of ||tuned - base||_F^2 that the adapter keeps. */
  energyKept: number;
}

/** Validates the scaling options and returns lora_alpha and the scaling for a rank. */
function scalingFor(functionName: string, opts: LoraScalingOptions, rank: number): { alpha: number; scaling: number; useRslora: boolean } {
  const alpha = opts.alpha ?? rank;
  if (typeof alpha !== "number") throw typeError(functionName, "options.alpha", "be a positive number", alpha);
  if (!Number.isFinite(alpha) || alpha <= 0) throw rangeError(functionName, "options.alpha", "be a positive finite number", alpha);
  const useRslora = opts.useRslora ?? false;
  if (typeof useRslora !== "boolean") throw typeError(functionName, "options.useRslora", "be a boolean", useRslora);
  return { alpha, scaling: loraScaling(rank, alpha, useRslora), useRslora };
}

/** Multiplies columns (side "columns") or rows (side "rows") of a dense matrix by factor[j]. */
function scaleSide(m: Matrix, factor: ArrayLike<number>, side: "columns" | "rows"): void {
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) m.data[i * m.cols + j]! *= factor[side === "columns" ? j : i]!;
  }
}

/** Returns a dense transposed copy of a matrix, in the given element type. */
function transposedAs(m: Matrix, dtype: DType): Matrix {
  const out = allocateMatrix(m.cols, m.rows, dtype);
  const stride = m.stride ?? m.cols;
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out.data[j * m.rows + i] = m.data[i * stride + j]!;
  return out;
}

/** Returns a plain dense float64 copy of a validated operand. */
function denseF64(input: CheckedInput): Matrix {
  const plain = input.plain ?? input.resident!.toMatrix();
  return denseAs(plain, "f64");
}

/**
 * Extracts a LoRA adapter of rank r from a base weight and a fine-tuned one: the truncated SVD of
 * dW = tuned - base, split as B = U_r sqrt(S_r / scaling) (out x r) and A = sqrt(S_r / scaling) V_r^T
 * (r x in), so that scaling * B A is the best rank-r approximation of dW (see this module's header for
 * the scaling convention; the default lora_alpha = r gives scaling 1). Weights are out x in, or in x out
 * with `fanInFanOut`, in which case the returned factors still follow PEFT's shapes (A r x in, B
 * out x r) and dW is their product transposed. The result reports the singular values of dW, the energy
 * the adapter keeps and the error it leaves. `method: "randomized"` uses `randomizedSvd` (with its
 * options) for large weights. Results have the weights' element type; no input is modified.
 *
 * Throws TypeError for a non-matrix, mixed element types or an option of the wrong type. Throws
 * RangeError for weights of different shapes, an r outside 1 to min(out, in), a non-positive alpha,
 * or a NaN or infinity in the difference. Throws NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const adapter = loraExtract(base, tuned, 16, { alpha: 32 });   // scaling 2
 * adapter.energyKept;                                            // e.g. 0.97
 * loraMerge(copy(base), adapter);                                // ~ tuned
 */
export function loraExtract<T extends FloatArray>(base: Matrix<T> | MatrixInput, tuned: Matrix<T> | MatrixInput, r: number, options?: LoraExtractOptions): LoraExtractResult<T>;
export function loraExtract(base: MatrixInput, tuned: MatrixInput, r: number, options?: LoraExtractOptions): LoraExtractResult {
  const checkedBase = checkInput("loraExtract", "base", base);
  const checkedTuned = checkInput("loraExtract", "tuned", tuned);
  checkSameDType("loraExtract", ["base", checkedBase], ["tuned", checkedTuned]);
  if (checkedTuned.rows !== checkedBase.rows || checkedTuned.cols !== checkedBase.cols) {
    throw rangeErrorDescribed("loraExtract", "tuned", `have the shape of base (${shapeText(checkedBase)})`, shapeText(checkedTuned));
  }
  const opts = checkOptions<LoraExtractOptions>("loraExtract", options);
  const fanInFanOut = opts.fanInFanOut ?? false;
  if (typeof fanInFanOut !== "boolean") throw typeError("loraExtract", "options.fanInFanOut", "be a boolean", fanInFanOut);
  const { rows, cols } = checkedBase;
  checkRank("loraExtract", "r", r, Math.min(rows, cols), `at most min(rows, cols) of ${rows}x${cols} weights`);
  const { alpha, scaling } = scalingFor("loraExtract", opts, r);
  const method = opts.method ?? "exact";
  if (method !== "exact" && method !== "randomized") throw typeError("loraExtract", "options.method", 'be "exact" or "randomized"', method);

  // The balanced truncation dW ~ (U_r sqrt(S_r)) (sqrt(S_r) V_r^T), then 1 / sqrt(scaling) on each side.
  const difference = sub(tuned, base);
  checkFinite("loraExtract", "tuned - base", difference);
  const truncated = lowRank(difference, r, { split: "balanced", method, oversampling: opts.oversampling, powerIterations: opts.powerIterations, seed: opts.seed });
  const factor = new Float64Array(r).fill(1 / Math.sqrt(scaling));
  scaleSide(truncated.B, factor, "columns");
  scaleSide(truncated.A, factor, "rows");

  // With fanInFanOut dW is in x out, and PEFT's update is its transpose: B = A_l^T, A = B_l^T.
  const dtype = checkedBase.dtype;
  const B = fanInFanOut ? transposedAs(truncated.A, dtype) : truncated.B;
  const A = fanInFanOut ? transposedAs(truncated.B, dtype) : truncated.A;
  return {
    A,
    B,
    rank: r,
    alpha,
    scaling,
    fanInFanOut,
    S: Float64Array.from(truncated.S),
    errorFro: truncated.errorFro,
    relativeError: truncated.relativeError,
    energyKept: truncated.energyKept,
  };
}

/**
 * Resizes a LoRA adapter to a smaller rank k without forming its out x in update: with the QR
 * factorizations B = Q_B R_B (out x r) and A^T = Q_A R_A (in x r),
 *
 *   scaling B A = Q_B (scaling R_B R_A^T) Q_A^T,  and the r x r core = U_c S V_c^T,
 *
 * so the SVD of scaling B A is (Q_B U_c) S (Q_A V_c)^T. The new factors keep its first k terms, split
 * as B' = Q_B U_c,k sqrt(S_k / scaling') and A' = sqrt(S_k / scaling') V_c,k^T Q_A^T (see this
 * module's header for scaling'). The cost is O((out + in) r^2), against O(out in r) to form B A. The
 * result is the same as truncating the SVD of the explicit product, and reports all r singular values
 * of scaling B A, the energy each rank keeps and the error of the chosen one. Everything is computed
 * in float64 whatever the factors' type, and the new factors are rounded to that type. `newRank` may
 * equal r, which re-balances the factors and gives the spectrum of the update.
 *
 * Throws TypeError for malformed factors, mixed element types or an option of the wrong type;
 * RangeError when B's columns are not A's rows or for a newRank outside 1 to min(r, out, in);
 * NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const smaller = loraResize(pair, 4, { alpha: 8 });
 * smaller.energyKept[3];                       // fraction kept by rank 4
 * rankForEnergy(smaller.S, 0.99);              // the rank that would keep 99 %
 */
export function loraResize<T extends FloatArray>(adapter: LoraFactors & { A: Matrix<T> | MatrixInput }, newRank: number, options?: LoraScalingOptions): LoraResizeResult<T>;
export function loraResize(adapter: LoraFactors, newRank: number, options?: LoraScalingOptions): LoraResizeResult {
  const lora = checkAdapter("loraResize", adapter, true);
  const { rank, inFeatures, outFeatures, dtype } = lora;
  const largest = Math.min(rank, outFeatures, inFeatures);
  checkRank("loraResize", "newRank", newRank, largest, `at most min(r, out, in) of an adapter with A ${shapeText(lora.A)} and B ${shapeText(lora.B)}`);
  const opts = checkOptions<LoraScalingOptions>("loraResize", options);
  const { alpha, scaling } = scalingFor("loraResize", opts, newRank);
  if (lora.A.plain !== undefined) checkFinite("loraResize", "adapter.A", lora.A.plain);
  if (lora.B.plain !== undefined) checkFinite("loraResize", "adapter.B", lora.B.plain);

  // QR of B and of A^T, and the SVD of the small core scaling R_B R_A^T.
  const b = qr(denseF64(lora.B));
  const a = qr(transposedAs(denseF64(lora.A), "f64"));
  const core = svd(matmul(b.R, a.R, { transB: true, alpha: lora.scaling }));
  const S = core.S as Float64Array;

  // B' = Q_B U_c,k sqrt(S_k / scaling'), A' = sqrt(S_k / scaling') V_c,k^T Q_A^T.
  const factor = new Float64Array(newRank).map((_, i) => Math.sqrt(S[i]! / scaling));
  const B = matmul(b.Q, leadingColumns(core.U, newRank));
  const A = matmul(leadingRows(core.Vt, newRank), a.Q, { transB: true });
  scaleSide(B, factor, "columns");
  scaleSide(A, factor, "rows");

  const tail = discardedEnergy(S);
  const energyKept = new Float64Array(S.length).map((_, i) => 1 - tail[i + 1]!);
  const errorFro = scaledNorm(S, newRank, S.length);
  const whole = scaledNorm(S, 0, S.length);
  return {
    A: dtype === "f64" ? A : denseAs(A, "f32"),
    B: dtype === "f64" ? B : denseAs(B, "f32"),
    rank: newRank,
    alpha,
    scaling,
    fanInFanOut: lora.fanInFanOut,
    S,
    energyKept,
    errorFro,
    relativeError: whole === 0 ? 0 : errorFro / whole,
  };
}
