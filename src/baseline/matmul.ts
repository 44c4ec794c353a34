/**
 * Plain-JavaScript twins of `matmul` and `matvec`, with the same signatures, checks and edge
 * semantics, written as a careful JavaScript programmer would without WebAssembly: typed arrays, the
 * i-k-j loop order (the inner loop runs along rows of B and C) and, for op(B) = B^T, row-by-row dot
 * products. Sums are kept in doubles and rounded once when stored, so f32 results are at least as
 * accurate as float32 arithmetic. They serve as the benchmarks' baseline.
 */
import { allocateMatrix, checkMatrix, type CheckedMatrix, type FloatArray, type Matrix } from "../matrix.js";
import { planMatmul, planMatvec, type MatmulOptions, type MatvecOptions } from "../linalg/product-checks.js";

/** C = beta C over the m x n matrix, without reading C when beta is 0. */
function scaleInPlace(c: CheckedMatrix, beta: number): void {
  for (let i = 0; i < c.rows; i++) {
    const row = i * c.stride;
    for (let j = 0; j < c.cols; j++) c.data[row + j] = beta === 0 ? 0 : beta * c.data[row + j]!;
  }
}

/** C = alpha op(A) op(B) + beta C in plain JavaScript; same contract as the wasm-backed `matmul`. */
export function matmul(a: Matrix, b: Matrix, options?: MatmulOptions): Matrix {
  const checkedA = checkMatrix("matmul", "a", a);
  const checkedB = checkMatrix("matmul", "b", b);
  const plan = planMatmul("matmul", { ...checkedA, plain: checkedA }, { ...checkedB, plain: checkedB }, options);
  const { m, n, k, transA, transB, dtype } = plan;
  const round = dtype === "f32" ? Math.fround : (x: number) => x;
  const alpha = round(plan.alpha);
  const beta = round(plan.beta);
  const c: CheckedMatrix = plan.out ?? { ...allocateMatrix(m, n, dtype), stride: n, dtype };
  const returned: Matrix = plan.out === undefined ? { rows: m, cols: n, data: c.data } : options!.out!;

  if (alpha === 0 || k === 0) {
    scaleInPlace(c, beta);
    return returned;
  }

  // Element (i, p) of op(A) is A[i * rowStepA + p * colStepA]; likewise for op(B).
  const A = checkedA.data;
  const B = checkedB.data;
  const rowStepA = transA ? 1 : checkedA.stride;
  const colStepA = transA ? checkedA.stride : 1;
  const sums = new Float64Array(n);

  for (let i = 0; i < m; i++) {
    if (!transB) {
      sums.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = A[i * rowStepA + p * colStepA]!;
        const row = p * checkedB.stride;
        for (let j = 0; j < n; j++) sums[j] = sums[j]! + aip * B[row + j]!;
      }
    } else {
      for (let j = 0; j < n; j++) {
        const row = j * checkedB.stride;
        let sum = 0;
        for (let p = 0; p < k; p++) sum += A[i * rowStepA + p * colStepA]! * B[row + p]!;
        sums[j] = sum;
      }
    }
    const row = i * c.stride;
    for (let j = 0; j < n; j++) c.data[row + j] = beta === 0 ? alpha * sums[j]! : alpha * sums[j]! + beta * c.data[row + j]!;
  }
  return returned;
}

/** y = alpha op(A) x + beta y in plain JavaScript; same contract as the wasm-backed `matvec`. */
export function matvec(a: Matrix, x: FloatArray, options?: MatvecOptions): FloatArray {
  const checkedA = checkMatrix("matvec", "a", a);
  const plan = planMatvec("matvec", { ...checkedA, plain: checkedA }, x, options);
  const { m, n, transA, dtype, outputs, inputs } = plan;
  const round = dtype === "f32" ? Math.fround : (value: number) => value;
  const alpha = round(plan.alpha);
  const beta = round(plan.beta);
  const y = plan.out ?? (dtype === "f64" ? new Float64Array(outputs) : new Float32Array(outputs));
  const A = checkedA.data;
  const stride = checkedA.stride;

  if (alpha === 0 || inputs === 0) {
    for (let i = 0; i < outputs; i++) y[i] = beta === 0 ? 0 : beta * y[i]!;
    return y;
  }

  const sums = new Float64Array(outputs);
  if (!transA) {
    for (let i = 0; i < m; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += A[i * stride + j]! * x[j]!;
      sums[i] = sum;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const xi = x[i]!;
      for (let j = 0; j < n; j++) sums[j] = sums[j]! + xi * A[i * stride + j]!;
    }
  }
  for (let i = 0; i < outputs; i++) y[i] = beta === 0 ? alpha * sums[i]! : alpha * sums[i]! + beta * y[i]!;
  return y;
}
