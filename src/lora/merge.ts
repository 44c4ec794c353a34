/**
 * Merging a LoRA update into its base weight, W += scaling B A, and taking it out again.
 */
import type { Matrix } from "../matrix.js";
import { checkOptions } from "../linalg/checks.js";
import { withScope, type MatrixInput } from "../runtime/operands.js";
import { parallelGemm } from "../runtime/parallel.js";
import { ResidentMatrix } from "../runtime/resident.js";
import { requireRuntime } from "../runtime/state.js";
import { copyRowsOut, elementBytes } from "../runtime/views.js";
import { checkAdapter, checkLoraOut, checkOperand, checkWeightFits, type LoraFactors, type LoraOutOptions } from "./checks.js";

/** W + sign * scaling * dW into W (or `out`); the common body of loraMerge and loraUnmerge. */
function mergeWith(functionName: string, sign: 1 | -1, weight: MatrixInput, adapter: LoraFactors, options: unknown): Matrix | ResidentMatrix {
  const lora = checkAdapter(functionName, adapter, true);
  const w = checkOperand(functionName, "weight", weight, true);
  checkWeightFits(functionName, "weight", w, lora);
  const opts = checkOptions<LoraOutOptions>(functionName, options);
  const out = checkLoraOut(functionName, opts.out, w.rows, w.cols, w.dtype, "the shape of weight", [["adapter.A", lora.A], ["adapter.B", lora.B]]);
  const runtime = requireRuntime(functionName);
  const target = opts.out ?? weight;
  if (w.rows === 0 || w.cols === 0) return target;

  withScope(runtime, functionName, (scope) => {
    const as = scope.place(lora.A);
    const bs = scope.place(lora.B);
    // A resident weight without `out` is updated where it lies; anything else goes through a copy.
    const inPlace = w.resident !== undefined && out === undefined;
    const c = inPlace || w.plain !== undefined ? scope.place(w, true) : scope.allocateMatrix(w.rows, w.cols, w.dtype);
    if (!inPlace && w.resident !== undefined) {
      const source = w.resident.addressFor(functionName);
      new Uint8Array(runtime.memory.buffer).copyWithin(c.address, source, source + w.rows * w.cols * elementBytes(w.dtype));
    }
    const alpha = sign * lora.scaling;

    // out x in: W += s B A. in x out (fanInFanOut): W += s A^T B^T.
    const [left, right] = lora.fanInFanOut ? [as, bs] : [bs, as];
    parallelGemm(runtime, scope, {
      dtype: lora.dtype, transA: lora.fanInFanOut, transB: lora.fanInFanOut, m: w.rows, n: w.cols, k: lora.rank, alpha,
      a: left.address, lda: left.ld, b: right.address, ldb: right.ld, beta: 1, c: c.address, ldc: c.ld,
    });

    if (inPlace) return;
    const destination = out ?? (w.plain !== undefined ? w.plain : undefined);
    if (destination !== undefined) copyRowsOut(runtime, c.address, c.ld, destination);
  });
  return target;
}

/**
 * Merges a LoRA update into its base weight: W = W + scaling B A (out x in), or, with
 * `adapter.fanInFanOut` (W stored in x out), W = W + scaling (B A)^T. After merging, a plain product
 * with W gives what `loraApply` gives. A is r x in, B out x r, and W, A, B share one element type
 * (f64 or f32; for f32 the scaling is rounded to f32 and the sum to f32 per entry).
 *
 * W is overwritten in place unless `options.out` is given: then W is left alone and the merged weight
 * is written to `out` (which may be W itself) and returned. A resident W is updated inside wasm memory
 * without a copy. `loraUnmerge` with the same adapter restores W to within a few units in the last
 * place of max(|W|, |scaling B A|) per entry (the sum is rounded once each way).
 *
 * Throws TypeError for a non-matrix, mixed element types or settings of the wrong type. Throws
 * RangeError, naming the shapes, when W does not fit the adapter, or when `out` does not fit W or
 * shares memory with A or B. Throws NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * loraMerge(w, pair);                       // w now includes the adapter
 * const merged = loraMerge(w, pair, { out: matrix(w.rows, w.cols) });   // w unchanged
 */
export function loraMerge<M extends Matrix>(weight: MatrixInput, adapter: LoraFactors, options: { out: M }): M;
export function loraMerge<T extends Matrix | ResidentMatrix>(weight: T, adapter: LoraFactors, options?: LoraOutOptions): T;
export function loraMerge(weight: MatrixInput, adapter: LoraFactors, options?: LoraOutOptions): Matrix | ResidentMatrix {
  return mergeWith("loraMerge", 1, weight, adapter, options);
}

/**
 * Takes a merged LoRA update out of a weight again: W = W - scaling B A (or its transpose with
 * `adapter.fanInFanOut`). Same arguments, in-place and `out` rules and errors as `loraMerge`.
 *
 * @example
 * loraMerge(w, pair);
 * loraUnmerge(w, pair);                     // w back to the base weight, to rounding
 */
export function loraUnmerge<M extends Matrix>(weight: MatrixInput, adapter: LoraFactors, options: { out: M }): M;
export function loraUnmerge<T extends Matrix | ResidentMatrix>(weight: T, adapter: LoraFactors, options?: LoraOutOptions): T;
export function loraUnmerge(weight: MatrixInput, adapter: LoraFactors, options?: LoraOutOptions): Matrix | ResidentMatrix {
  return mergeWith("loraUnmerge", -1, weight, adapter, options);
}
