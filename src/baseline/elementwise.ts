/**
 * Plain-JavaScript twins of the elementwise operations, with the same signatures, checks and results
 * (bit for bit: f32 sums and products computed in double and rounded once equal float32 arithmetic).
 * They serve as the reference in tests and the baseline in benchmarks. Resident matrices are not
 * accepted here: the baseline never touches wasm memory.
 */
import { rangeErrorDescribed } from "../errors.js";
import { allocateMatrix, checkMatrix, checkSameDType, shapeText, type CheckedMatrix, type Matrix } from "../matrix.js";
import { checkOptions, checkOut, checkScalar, checkShape, overlaps, type OutOptions } from "../linalg/checks.js";

function resultFor(out: CheckedMatrix | undefined, rows: number, cols: number, dtype: "f64" | "f32"): CheckedMatrix {
  if (out !== undefined) return out;
  return { ...allocateMatrix(rows, cols, dtype), stride: cols, dtype };
}

function unchecked(result: CheckedMatrix, out: Matrix | undefined): Matrix {
  return out ?? { rows: result.rows, cols: result.cols, data: result.data };
}

type Operation = "add" | "sub";

function denseCopy(m: CheckedMatrix): Float64Array | Float32Array {
  const dense = m.dtype === "f64" ? new Float64Array(m.rows * m.cols) : new Float32Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) dense.set(m.data.subarray(i * m.stride, i * m.stride + m.cols), i * m.cols);
  return dense;
}

/**
 * Returns `input`'s elements in a layout safe to read while `result` is written: the input itself,
 * unless it shares memory with the result without being the very same view, then a dense copy.
 */
function readable(input: CheckedMatrix, result: CheckedMatrix): CheckedMatrix {
  const sameView = input.data === result.data && input.stride === result.stride;
  if (sameView || !overlaps(input.data, result.data)) return input;
  return { ...input, data: denseCopy(input), stride: input.cols };
}

function binary(functionName: Operation, a: Matrix, b: Matrix, options: OutOptions | undefined): Matrix {
  const checkedA = checkMatrix(functionName, "a", a);
  const checkedB = checkMatrix(functionName, "b", b);
  checkSameDType(functionName, ["a", checkedA], ["b", checkedB]);
  checkShape(functionName, "b", checkedB, checkedA.rows, checkedA.cols, "the shape of a");
  const opts = checkOptions<OutOptions>(functionName, options);
  const out = checkOut(functionName, opts, checkedA.rows, checkedA.cols, checkedA, "the shape of a");
  const result = resultFor(out, checkedA.rows, checkedA.cols, checkedA.dtype);
  const x = readable(checkedA, result);
  const y = readable(checkedB, result);
  const z = result.data;
  for (let i = 0; i < result.rows; i++) {
    const xRow = i * x.stride;
    const yRow = i * y.stride;
    const zRow = i * result.stride;
    if (functionName === "add") {
      for (let j = 0; j < result.cols; j++) z[zRow + j] = x.data[xRow + j]! + y.data[yRow + j]!;
    } else {
      for (let j = 0; j < result.cols; j++) z[zRow + j] = x.data[xRow + j]! - y.data[yRow + j]!;
    }
  }
  return unchecked(result, opts.out);
}

/** C = A + B in plain JavaScript; same contract as the wasm-backed `add`. */
export function add(a: Matrix, b: Matrix, options?: OutOptions): Matrix {
  return binary("add", a, b, options);
}

/** C = A - B in plain JavaScript; same contract as the wasm-backed `sub`. */
export function sub(a: Matrix, b: Matrix, options?: OutOptions): Matrix {
  return binary("sub", a, b, options);
}

/** B = alpha * A in plain JavaScript; same contract as the wasm-backed `scale`. */
export function scale(a: Matrix, alpha: number, options?: OutOptions): Matrix {
  const checkedA = checkMatrix("scale", "a", a);
  checkScalar("scale", "alpha", alpha);
  const factor = checkedA.dtype === "f32" ? Math.fround(alpha) : alpha;
  const opts = checkOptions<OutOptions>("scale", options);
  const out = checkOut("scale", opts, checkedA.rows, checkedA.cols, checkedA, "the shape of a");
  const result = resultFor(out, checkedA.rows, checkedA.cols, checkedA.dtype);
  const x = readable(checkedA, result);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) result.data[i * result.stride + j] = factor * x.data[i * x.stride + j]!;
  }
  return unchecked(result, opts.out);
}

/** B = A^T in plain JavaScript, blocked by 32 x 32 tiles; same contract as the wasm-backed `transpose`. */
export function transpose(a: Matrix, options?: OutOptions): Matrix {
  const checkedA = checkMatrix("transpose", "a", a);
  const opts = checkOptions<OutOptions>("transpose", options);
  const out = checkOut("transpose", opts, checkedA.cols, checkedA.rows, checkedA, "the shape of a transposed");
  if (out !== undefined && overlaps(out.data, checkedA.data)) {
    throw rangeErrorDescribed("transpose", "options.out", `not share memory with a (${shapeText(checkedA)})`, `a ${shapeText(out)} matrix over the same buffer`);
  }
  const result = resultFor(out, checkedA.cols, checkedA.rows, checkedA.dtype);
  const tile = 32;
  const { rows, cols, stride, data } = checkedA;
  for (let i0 = 0; i0 < rows; i0 += tile) {
    for (let j0 = 0; j0 < cols; j0 += tile) {
      for (let i = i0; i < Math.min(i0 + tile, rows); i++) {
        for (let j = j0; j < Math.min(j0 + tile, cols); j++) result.data[j * result.stride + i] = data[i * stride + j]!;
      }
    }
  }
  return unchecked(result, opts.out);
}
