/**
 * Applying a LoRA-adapted linear layer to a batch without merging: Y = X W^T + scaling (X A^T) B^T.
 */
import { allocateMatrix, type FloatArray, type Matrix } from "../matrix.js";
import { checkOptions } from "../linalg/checks.js";
import { checkInput, withScope, type MatrixInput } from "../runtime/operands.js";
import { parallelGemm, parallelGemv } from "../runtime/parallel.js";
import { requireRuntime } from "../runtime/state.js";
import { copyRowsOut, viewOf } from "../runtime/views.js";
import { checkAdapter, checkBatch, checkLoraOut, checkWeightFits, type LoraFactors, type LoraOutOptions } from "./checks.js";

/**
 * Applies a linear layer with a LoRA adapter to a batch of inputs, as PEFT's forward pass does:
 *
 *   Y = X W^T + scaling (X A^T) B^T
 *
 * X is batch x in (one sample per row), W the base weight, out x in (in x out with
 * `adapter.fanInFanOut`, and then Y = X W + ...), A is r x in, B out x r, and Y batch x out. B A is
 * never formed: the adapter costs 2 batch r (in + out) flops against 2 batch in out for W. All of X,
 * W, A and B may be plain or resident (keep W, A and B resident to copy only X per call) and must have
 * one element type. Y is `options.out` when given (overwritten), otherwise a new dense matrix; no
 * input is modified.
 *
 * Throws TypeError for a non-matrix, mixed element types or settings of the wrong type. Throws
 * RangeError, naming the shapes, when X's columns, W's shape or B's columns do not fit the adapter,
 * or when `out` has the wrong shape or shares memory with an input. Throws NotReadyError before
 * `ready()`.
 *
 * @example
 * await ready();
 * const pair = readLoraAdapter(file, config).pairs[0];          // A 8x768, B 768x8, scaling 2
 * const y = loraApply(x, resident(w), pair);                    // x 16x768 -> y 16x768
 */
export function loraApply(x: MatrixInput, weight: MatrixInput, adapter: LoraFactors, options?: LoraOutOptions): Matrix {
  const lora = checkAdapter("loraApply", adapter, true);
  const input = checkInput("loraApply", "x", x);
  const w = checkInput("loraApply", "weight", weight);
  checkBatch("loraApply", input, lora);
  checkWeightFits("loraApply", "weight", w, lora);
  const opts = checkOptions<LoraOutOptions>("loraApply", options);
  const batch = input.rows;
  const { inFeatures, outFeatures, rank, dtype } = lora;
  const out = checkLoraOut("loraApply", opts.out, batch, outFeatures, dtype, `batch x out: x is ${batch}x${inFeatures}`, [
    ["x", input],
    ["weight", w],
    ["adapter.A", lora.A],
    ["adapter.B", lora.B],
  ]);
  const runtime = requireRuntime("loraApply");
  if (batch === 0 || outFeatures === 0) return opts.out ?? allocateMatrix(batch, outFeatures, dtype);

  let fresh: FloatArray | undefined;
  withScope(runtime, "loraApply", (scope) => {
    const xs = scope.place(input);
    const ws = scope.place(w);
    const as = scope.place(lora.A);
    const bs = scope.place(lora.B);
    const t = scope.allocateMatrix(batch, rank, dtype);
    const y = scope.allocateMatrix(batch, outFeatures, dtype);
    const transW = lora.fanInFanOut;

    // T = X A^T (batch x r), then Y = X op(W) and Y += scaling T B^T. One sample takes the
    // matrix-vector kernel for W, which streams W once instead of packing it as GEMM does.
    parallelGemm(runtime, scope, {
      dtype, transA: false, transB: true, m: batch, n: rank, k: inFeatures, alpha: 1,
      a: xs.address, lda: xs.ld, b: as.address, ldb: as.ld, beta: 0, c: t.address, ldc: t.ld,
    });
    if (batch === 1) {
      parallelGemv(runtime, scope, { dtype, transA: transW, m: w.rows, n: w.cols, alpha: 1, a: ws.address, lda: ws.ld, x: xs.address, beta: 0, y: y.address });
    } else {
      parallelGemm(runtime, scope, {
        dtype, transA: false, transB: !transW, m: batch, n: outFeatures, k: inFeatures, alpha: 1,
        a: xs.address, lda: xs.ld, b: ws.address, ldb: ws.ld, beta: 0, c: y.address, ldc: y.ld,
      });
    }
    parallelGemm(runtime, scope, {
      dtype, transA: false, transB: true, m: batch, n: outFeatures, k: rank, alpha: lora.scaling,
      a: t.address, lda: t.ld, b: bs.address, ldb: bs.ld, beta: 1, c: y.address, ldc: y.ld,
    });

    if (out !== undefined) copyRowsOut(runtime, y.address, y.ld, out);
    else fresh = viewOf(runtime, dtype, y.address, batch * outFeatures).slice();
  });
  return opts.out ?? { rows: batch, cols: outFeatures, data: fresh! };
}
