/**
 * Argument checks and small matrix helpers shared by the low-rank and LoRA functions.
 */
import { rangeError, rangeErrorDescribed, typeError } from "../errors.js";
import { allocateMatrix, type DType, type FloatArray, type Matrix } from "../matrix.js";

/**
 * Checks that `value` is an integer rank from `minimum` to `maximum` and returns it. Throws TypeError
 * for a non-number and RangeError for anything else out of range, naming the rule that sets the bound.
 */
export function checkRank(functionName: string, argument: string, value: unknown, maximum: number, bound: string, minimum = 1): number {
  if (typeof value !== "number") throw typeError(functionName, argument, "be an integer", value);
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw rangeError(functionName, argument, `be an integer from ${minimum} to ${maximum} (${bound})`, value);
  }
  return value;
}

/** Checks an optional non-negative integer option, returning `fallback` when it is absent. */
export function checkCount(functionName: string, argument: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw typeError(functionName, argument, "be a non-negative integer", value);
  if (!Number.isInteger(value) || value < 0) throw rangeError(functionName, argument, "be a non-negative integer", value);
  return value;
}

/** Returns a new dense matrix of the first `cols` columns of the dense matrix `m`. */
export function leadingColumns(m: Matrix, cols: number): Matrix {
  const stride = m.stride ?? m.cols;
  if (cols === m.cols && stride === m.cols) return m;
  const out = allocateMatrix(m.rows, cols, m.data instanceof Float64Array ? "f64" : "f32");
  for (let i = 0; i < m.rows; i++) out.data.set(m.data.subarray(i * stride, i * stride + cols), i * cols);
  return out;
}

/** Returns a new dense matrix of the first `rows` rows of the dense matrix `m`. */
export function leadingRows(m: Matrix, rows: number): Matrix {
  const stride = m.stride ?? m.cols;
  if (rows === m.rows) return m;
  return { rows, cols: m.cols, data: m.data.slice(0, rows * stride), ...(stride !== m.cols ? { stride } : {}) };
}

/** Converts storage to the given element type (no copy when it already has it). */
export function asDType(data: FloatArray, dtype: DType): FloatArray {
  if (dtype === "f64") return data instanceof Float64Array ? data : Float64Array.from(data);
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** Returns a dense copy of a plain matrix with the given element type. */
export function denseAs(m: Matrix, dtype: DType): Matrix {
  const stride = m.stride ?? m.cols;
  const out = allocateMatrix(m.rows, m.cols, dtype);
  for (let i = 0; i < m.rows; i++) {
    const row = m.data.subarray(i * stride, i * stride + m.cols);
    out.data.set(row, i * m.cols);
  }
  return out;
}

/** The name of a dtype's storage class, for messages. */
export function storageName(dtype: DType): string {
  return dtype === "f64" ? "Float64Array" : "Float32Array";
}

/** sqrt(sum of squares) of values scaled by the largest, so that nothing overflows or underflows. */
export function scaledNorm(values: ArrayLike<number>, start: number, end: number): number {
  let largest = 0;
  for (let i = start; i < end; i++) largest = Math.max(largest, Math.abs(values[i]!));
  if (largest === 0) return 0;
  let sum = 0;
  for (let i = end - 1; i >= start; i--) {
    const scaled = values[i]! / largest;
    sum += scaled * scaled;
  }
  return largest * Math.sqrt(sum);
}

/** Throws a RangeError naming the first NaN or infinite entry of a plain matrix. */
export function checkFinite(functionName: string, argument: string, m: Matrix): void {
  const stride = m.stride ?? m.cols;
  for (let i = 0; i < m.rows; i++) {
    const row = i * stride;
    for (let j = 0; j < m.cols; j++) {
      const entry = m.data[row + j]!;
      if (!Number.isFinite(entry)) {
        throw rangeErrorDescribed(functionName, argument, "contain only finite numbers", `${entry} at row ${i}, column ${j}`);
      }
    }
  }
}
