/**
 * The matrix product and the matrix-vector product on the WebAssembly kernels. Inputs may be plain or
 * resident matrices; a plain input is copied into wasm memory with its own stride, so a view into a
 * larger matrix needs no copy on the caller's side.
 */
import { allocateMatrix, type FloatArray, type Matrix } from "../matrix.js";
import { parallelGemm, parallelGemv } from "../runtime/parallel.js";
import { checkInput, withScope, type CallScope, type Operand, type MatrixInput } from "../runtime/operands.js";
import { requireRuntime } from "../runtime/state.js";
import { copyRowsOut, elementBytes, viewOf } from "../runtime/views.js";
import { planMatmul, planMatvec, type MatmulOptions, type MatvecOptions } from "./product-checks.js";

export type { MatmulOptions, MatvecOptions } from "./product-checks.js";

/** An operand the kernel will not read (alpha = 0 or an empty inner dimension): no copy is made. */
const UNREAD: Operand = { address: 0, ld: 1 };

/**
 * Multiplies two matrices: C = alpha op(A) op(B) + beta C, where op(X) is X or, with `transA` /
 * `transB`, its transpose. op(A) is m x k, op(B) k x n and C m x n, all row-major; any size may be
 * zero. A and B may be plain matrices (views with a stride larger than their width included) or
 * resident ones. They must have the same element type, which picks the f64 or f32 kernels, and for
 * f32 alpha and beta are rounded to f32.
 *
 * C is `options.out` when given: it is overwritten, and with beta != 0 its values are read first.
 * Without `out` a new dense matrix is returned and beta plays no part. BLAS semantics at the edges:
 * beta = 0 never reads C, so NaN in `out` does not reach the result; alpha = 0 or k = 0 never reads A
 * or B and gives C = beta C; otherwise every product is computed, so NaN and infinity propagate
 * (0 * Inf is NaN). In the relaxed-simd build products and sums may be fused, which changes the last
 * bits of results. With the threaded build, a large product is split by blocks of C across the
 * threads; the results are the same bits as on one thread (and as the simd build's).
 *
 * Throws TypeError for a non-matrix, mixed element types or an option of the wrong type; RangeError,
 * naming both shapes, when the inner dimensions differ or `out` shares memory with a or b, and for an
 * `out` of the wrong shape; NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const c = matmul(fromArrays([[1, 2], [3, 4]]), fromArrays([[5], [6]]));   // [[17], [39]]
 * matmul(x, w, { transB: true, alpha: 2, beta: 1, out: y });                 // y = 2 x w^T + y
 */
export function matmul(a: MatrixInput, b: MatrixInput, options?: MatmulOptions): Matrix {
  const checkedA = checkInput("matmul", "a", a);
  const checkedB = checkInput("matmul", "b", b);
  const plan = planMatmul("matmul", checkedA, checkedB, options);
  const runtime = requireRuntime("matmul");
  const { m, n, k, dtype, out } = plan;
  if (m === 0 || n === 0) return out === undefined ? allocateMatrix(m, n, dtype) : options!.out!;

  let fresh: FloatArray | undefined;
  withScope(runtime, "matmul", (scope) => {
    const readsInputs = plan.alpha !== 0 && k > 0;
    const left = readsInputs ? scope.place(checkedA) : UNREAD;
    const right = readsInputs ? scope.place(checkedB) : UNREAD;
    const c = out !== undefined && plan.beta !== 0 ? scope.place({ rows: m, cols: n, dtype, plain: out }) : scope.allocateMatrix(m, n, dtype);
    parallelGemm(runtime, scope, {
      dtype, transA: plan.transA, transB: plan.transB, m, n, k, alpha: plan.alpha,
      a: left.address, lda: left.ld, b: right.address, ldb: right.ld, beta: plan.beta, c: c.address, ldc: c.ld,
    });

    // A new C is copied out in one piece, which allocates without zero-filling first.
    if (out !== undefined) copyRowsOut(runtime, c.address, c.ld, out);
    else fresh = viewOf(runtime, dtype, c.address, m * n).slice();
  });
  return out === undefined ? { rows: m, cols: n, data: fresh! } : options!.out!;
}

/** Copies a vector into a new block of the scope and returns its address. */
function placeVector(scope: CallScope, vector: FloatArray): number {
  const dtype = vector instanceof Float64Array ? "f64" : "f32";
  const address = scope.allocate(vector.length * elementBytes(dtype));
  viewOf(scope.runtime, dtype, address, vector.length).set(vector);
  return address;
}

/**
 * Multiplies a matrix by a vector: y = alpha op(A) x + beta y, with op(A) = A or, with `transA`, A^T.
 * A is an m x n matrix (plain, a view, or resident). Without `transA`, x has n elements and y has m;
 * with `transA`, x has m elements and y has n. x and y are Float64Array or Float32Array vectors of A's
 * element type (a strided vector is not accepted: copy it out first).
 *
 * y is `options.out` when given (overwritten; read first only when beta != 0), otherwise a new vector
 * of A's type, and is returned. Edge semantics as for `matmul`: beta = 0 never reads y; alpha = 0 or
 * an empty x never reads A or x. The product is bound by memory bandwidth, and the copy of a plain A
 * into wasm memory costs about as much as the product itself: keep a matrix used many times resident.
 *
 * Throws TypeError for a non-matrix, a vector of another type or an option of the wrong type. Throws
 * RangeError, naming A's shape, for a vector of the wrong length or an `out` that shares memory with
 * A or x, and NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * matvec(fromArrays([[1, 2], [3, 4]]), new Float64Array([1, 1]));                 // Float64Array [3, 7]
 * matvec(w, h, { transA: true, alpha: 0.5, beta: 1, out: acc });                 // acc = 0.5 w^T h + acc
 */
export function matvec(a: MatrixInput, x: FloatArray, options?: MatvecOptions): FloatArray {
  const checkedA = checkInput("matvec", "a", a);
  const plan = planMatvec("matvec", checkedA, x, options);
  const runtime = requireRuntime("matvec");
  const { m, n, dtype, inputs, outputs } = plan;
  if (outputs === 0) return plan.out ?? (dtype === "f64" ? new Float64Array(0) : new Float32Array(0));

  let result = plan.out;

  withScope(runtime, "matvec", (scope) => {
    const readsInputs = plan.alpha !== 0 && inputs > 0;
    const matrix = readsInputs ? scope.place(checkedA) : UNREAD;
    const vector = readsInputs ? placeVector(scope, x) : 0;
    const y = result !== undefined && plan.beta !== 0 ? placeVector(scope, result) : scope.allocate(outputs * elementBytes(dtype));
    parallelGemv(runtime, scope, { dtype, transA: plan.transA, m, n, alpha: plan.alpha, a: matrix.address, lda: matrix.ld, x: vector, beta: plan.beta, y });
    const values = viewOf(runtime, dtype, y, outputs);
    if (result !== undefined) result.set(values);
    else result = values.slice();
  });
  return result!;
}
