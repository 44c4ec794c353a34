/**
 * Input handling shared by svd, qr, lstsq and pinv and their baselines: validation, the finite-value
 * check, and the dense scratch copy the kernels overwrite (the caller's matrix is never modified).
 */
import { ConvergenceError, rangeErrorDescribed } from "../errors.js";
import { checkMatrix, type DType, type FloatArray } from "../matrix.js";
import { checkInput } from "../runtime/operands.js";

/** A validated input as dense row-major storage of its own element type. */
export interface DenseInput {
  readonly rows: number;
  readonly cols: number;
  readonly dtype: DType;
  /** A fresh dense copy: the kernels may overwrite it. */
  readonly data: FloatArray;
}

/** Allocates `length` elements of `dtype`. */
export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === "f64" ? new Float64Array(length) : new Float32Array(length);
}

/**
 * Validates `value` (a matrix, or a resident matrix when `allowResident`), checks that every entry is
 * finite and returns a dense copy. Throws TypeError or RangeError for a malformed matrix, and a
 * RangeError naming the first NaN or infinite entry (row and column) otherwise.
 */
export function denseInput(functionName: string, argument: string, value: unknown, allowResident: boolean): DenseInput {
  let rows: number;
  let cols: number;
  let stride: number;
  let dtype: DType;
  let source: FloatArray;
  if (allowResident) {
    const input = checkInput(functionName, argument, value);
    const plain = input.plain ?? { ...input.resident!.toMatrix(), stride: input.cols, dtype: input.dtype };
    ({ rows, cols, stride, dtype } = plain);
    source = plain.data;
  } else {
    const plain = checkMatrix(functionName, argument, value);
    ({ rows, cols, stride, dtype } = plain);
    source = plain.data;
  }

  const data = allocate(dtype, rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = i * stride;
    for (let j = 0; j < cols; j++) {
      const entry = source[row + j]!;
      if (!Number.isFinite(entry)) {
        throw rangeErrorDescribed(functionName, argument, "contain only finite numbers", `${entry} at row ${i}, column ${j}`);
      }
      data[i * cols + j] = entry;
    }
  }
  return { rows, cols, dtype, data };
}

/** Turns a kernel's non-zero status into a ConvergenceError that says how far the iteration got. */
export function convergenceFailure(functionName: string, size: number, unconverged: number): ConvergenceError {
  const limit = 6 * size * size;
  return new ConvergenceError(
    functionName,
    limit,
    `the bidiagonal SVD reached its limit of ${limit} inner steps with ${unconverged} of ${Math.max(size - 1, 0)} superdiagonal entries not yet negligible`,
  );
}
