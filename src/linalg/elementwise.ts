/**
 * The elementwise companions of the matrix kernels: add, sub, scale, copy and transpose, so that
 * W - BA and its kind need no hand-written loops. Inputs may be plain or resident matrices; results
 * are plain matrices (row-major, stride honoured when `options.out` is given).
 */
import { rangeErrorDescribed } from "../errors.js";
import { allocateMatrix, checkSameDType, shapeText, type CheckedMatrix, type Matrix } from "../matrix.js";
import { checkInput, withScope, type CheckedInput, type MatrixInput } from "../runtime/operands.js";
import { requireRuntime, type Runtime } from "../runtime/state.js";
import { copyRowsOut } from "../runtime/views.js";
import { checkOptions, checkOut, checkScalar, checkShape, overlaps, type OutOptions } from "./checks.js";

function resultFor(out: CheckedMatrix | undefined, rows: number, cols: number, dtype: "f64" | "f32"): CheckedMatrix {
  if (out !== undefined) return out;
  const fresh = allocateMatrix(rows, cols, dtype);
  return { ...fresh, stride: cols, dtype };
}

function unchecked(result: CheckedMatrix, out: Matrix | undefined): Matrix {
  return out ?? { rows: result.rows, cols: result.cols, data: result.data };
}

type BinaryKernel = (runtime: Runtime, dtype: "f64" | "f32") => (x: number, y: number, out: number, n: number) => void;

function binary(functionName: string, kernel: BinaryKernel, a: MatrixInput, b: MatrixInput, options?: OutOptions): Matrix {
  const checkedA = checkInput(functionName, "a", a);
  const checkedB = checkInput(functionName, "b", b);
  checkSameDType(functionName, ["a", checkedA], ["b", checkedB]);
  checkShape(functionName, "b", checkedB, checkedA.rows, checkedA.cols, "the shape of a");
  const opts = checkOptions<OutOptions>(functionName, options);
  const out = checkOut(functionName, opts, checkedA.rows, checkedA.cols, checkedA, "the shape of a");
  const runtime = requireRuntime(functionName);
  const result = resultFor(out, checkedA.rows, checkedA.cols, checkedA.dtype);
  const n = checkedA.rows * checkedA.cols;
  if (n > 0) {
    withScope(runtime, functionName, (scope) => {
      const x = scope.place(checkedA, true);
      const y = scope.place(checkedB, true);
      const z = scope.allocateMatrix(checkedA.rows, checkedA.cols, checkedA.dtype);
      kernel(runtime, checkedA.dtype)(x.address, y.address, z.address, n);
      copyRowsOut(runtime, z.address, z.ld, result);
    });
  }
  return unchecked(result, opts.out);
}

/**
 * Adds two matrices of the same shape and element type: C = A + B.
 * The result goes to `options.out` when given (it may be `a` or `b` itself, since the inputs are read
 * in full before it is written), otherwise to a new dense matrix. Returns the result.
 * Throws TypeError for a non-matrix or mixed element types, RangeError for shapes that differ,
 * NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const c = add(fromArrays([[1, 2]]), fromArrays([[10, 20]]));   // [[11, 22]]
 * add(w, delta, { out: w });                                      // in place
 */
export function add(a: MatrixInput, b: MatrixInput, options?: OutOptions): Matrix {
  return binary("add", (runtime, dtype) => (dtype === "f64" ? runtime.exports.add_f64 : runtime.exports.add_f32), a, b, options);
}

/**
 * Subtracts two matrices of the same shape and element type: C = A - B.
 * `options.out` as for `add`. Throws as `add` does.
 *
 * @example
 * const residual = sub(w, matmul(b, a));   // W - BA
 */
export function sub(a: MatrixInput, b: MatrixInput, options?: OutOptions): Matrix {
  return binary("sub", (runtime, dtype) => (dtype === "f64" ? runtime.exports.sub_f64 : runtime.exports.sub_f32), a, b, options);
}

/**
 * Multiplies every element by a scalar: B = alpha * A. For f32 matrices alpha is first rounded to
 * f32, as a float32 BLAS would take it. `options.out` may be `a` itself.
 * Throws TypeError for a non-matrix or a non-number alpha, NotReadyError before `ready()`.
 *
 * @example
 * scale(delta, 2.0, { out: delta });   // in place
 */
export function scale(a: MatrixInput, alpha: number, options?: OutOptions): Matrix {
  const checkedA = checkInput("scale", "a", a);
  checkScalar("scale", "alpha", alpha);
  const opts = checkOptions<OutOptions>("scale", options);
  const out = checkOut("scale", opts, checkedA.rows, checkedA.cols, checkedA, "the shape of a");
  const runtime = requireRuntime("scale");
  const result = resultFor(out, checkedA.rows, checkedA.cols, checkedA.dtype);
  const n = checkedA.rows * checkedA.cols;
  if (n > 0) {
    withScope(runtime, "scale", (scope) => {
      const x = scope.place(checkedA, true);
      const z = scope.allocateMatrix(checkedA.rows, checkedA.cols, checkedA.dtype);
      if (checkedA.dtype === "f64") runtime.exports.scale_f64(x.address, alpha, z.address, n);
      else runtime.exports.scale_f32(x.address, alpha, z.address, n);
      copyRowsOut(runtime, z.address, z.ld, result);
    });
  }
  return unchecked(result, opts.out);
}

/**
 * Copies a matrix: into `options.out` (any stride, same shape and element type) when given, otherwise
 * into a new dense matrix. A resident matrix is copied out of wasm memory. Returns the copy.
 * Throws TypeError for a non-matrix or mixed element types, RangeError for a shape mismatch.
 *
 * @example
 * const w0 = copy(w);   // keep the original before an in-place update
 */
export function copy(a: MatrixInput, options?: OutOptions): Matrix {
  const checkedA = checkInput("copy", "a", a);
  const opts = checkOptions<OutOptions>("copy", options);
  const out = checkOut("copy", opts, checkedA.rows, checkedA.cols, checkedA, "the shape of a");
  const result = resultFor(out, checkedA.rows, checkedA.cols, checkedA.dtype);
  const source = sourceOf(checkedA);
  for (let i = 0; i < result.rows; i++) {
    const row = source.data.subarray(i * source.stride, i * source.stride + source.cols);
    // A copy onto an overlapping view must read the row before writing it.
    result.data.set(overlaps(row, result.data) ? row.slice() : row, i * result.stride);
  }
  return unchecked(result, opts.out);
}

function sourceOf(input: CheckedInput): CheckedMatrix {
  if (input.plain !== undefined) return input.plain;
  const plain = input.resident!.toMatrix();
  return { ...plain, stride: plain.cols, dtype: input.dtype };
}

/**
 * Transposes a matrix: B = A^T, so an m x n input gives an n x m result. `options.out` must be
 * n x m and must not share memory with `a` (that throws a RangeError).
 * Throws TypeError for a non-matrix or mixed element types, NotReadyError before `ready()`.
 *
 * @example
 * const at = transpose(fromArrays([[1, 2, 3]]));   // 3x1
 */
export function transpose(a: MatrixInput, options?: OutOptions): Matrix {
  const checkedA = checkInput("transpose", "a", a);
  const opts = checkOptions<OutOptions>("transpose", options);
  const out = checkOut("transpose", opts, checkedA.cols, checkedA.rows, checkedA, "the shape of a transposed");
  if (out !== undefined && checkedA.plain !== undefined && overlaps(out.data, checkedA.plain.data)) {
    throw rangeErrorDescribed("transpose", "options.out", `not share memory with a (${shapeText(checkedA)})`, `a ${shapeText(out)} matrix over the same buffer`);
  }
  const runtime = requireRuntime("transpose");
  const result = resultFor(out, checkedA.cols, checkedA.rows, checkedA.dtype);
  if (checkedA.rows > 0 && checkedA.cols > 0) {
    withScope(runtime, "transpose", (scope) => {
      const x = scope.place(checkedA);
      const z = scope.allocateMatrix(checkedA.cols, checkedA.rows, checkedA.dtype);
      const kernel = checkedA.dtype === "f64" ? runtime.exports.transpose_f64 : runtime.exports.transpose_f32;
      kernel(x.address, x.ld, checkedA.rows, checkedA.cols, z.address, z.ld);
      copyRowsOut(runtime, z.address, z.ld, result);
    });
  }
  return unchecked(result, opts.out);
}

