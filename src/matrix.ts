/**
 * The matrix description every function takes, and the helpers that build and check it.
 *
 * A matrix is a plain object `{ rows, cols, data, stride? }`: row-major storage, element (i, j) at
 * `data[i * stride + j]`, `stride` the leading dimension (BLAS's `lda`), `cols` by default. A stride
 * larger than `cols` describes a view into a wider matrix. The type of `data` picks the kernels:
 * Float64Array for f64, Float32Array for f32.
 */
import { rangeError, rangeErrorDescribed, typeError, typeErrorDescribed } from "./errors.js";

/** Element storage of a matrix: its type picks the f64 or f32 kernels. */
export type FloatArray = Float64Array | Float32Array;

/** Element type name of a matrix. */
export type DType = "f64" | "f32";

/**
 * A row-major matrix: element (i, j) is `data[i * (stride ?? cols) + j]`.
 *
 * @example
 * const m: Matrix = { rows: 2, cols: 3, data: new Float64Array([1, 2, 3, 4, 5, 6]) };
 */
export interface Matrix<T extends FloatArray = FloatArray> {
  /** Number of rows (m). */
  readonly rows: number;
  /** Number of columns (n). */
  readonly cols: number;
  /** Elements in row-major order; at least `(rows - 1) * stride + cols` of them when rows > 0. */
  readonly data: T;
  /** Leading dimension: the distance between the starts of consecutive rows, `cols` when omitted. */
  readonly stride?: number;
}

/** A matrix after validation: stride filled in and the element type named. */
export interface CheckedMatrix<T extends FloatArray = FloatArray> {
  readonly rows: number;
  readonly cols: number;
  readonly data: T;
  readonly stride: number;
  readonly dtype: DType;
}

/** Largest dimension accepted, since a wasm32 address space has at most 2^32 bytes. */
const MAX_DIMENSION = 2 ** 32;

/** Returns "f64" or "f32" for a Float64Array or Float32Array, and undefined otherwise. */
export function dtypeOf(data: unknown): DType | undefined {
  if (data instanceof Float64Array) return "f64";
  if (data instanceof Float32Array) return "f32";
  return undefined;
}

/** Returns the number of elements a matrix's rows span in `data`: `(rows - 1) * stride + cols`. */
export function spanOf(rows: number, cols: number, stride: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * stride + cols;
}

/** Formats a shape as `rowsxcols`, the form error messages use. */
export function shapeText(m: { rows: number; cols: number }): string {
  return `${m.rows}x${m.cols}`;
}

function checkDimension(functionName: string, argument: string, value: unknown): number {
  if (typeof value !== "number") throw typeError(functionName, argument, "be a non-negative integer", value);
  if (!Number.isInteger(value) || value < 0 || value >= MAX_DIMENSION) {
    throw rangeError(functionName, argument, "be a non-negative integer below 2^32", value);
  }
  return value;
}

/**
 * Checks that `value` is a matrix and returns it with its stride filled in and its dtype named.
 * Throws TypeError for a non-object, a non-integer dimension or data that is not a Float64Array or
 * Float32Array, and RangeError for a negative dimension, a stride below `cols` or data too short.
 *
 * @example
 * const a = checkMatrix("matmul", "a", input); // a.stride, a.dtype are set
 */
export function checkMatrix(functionName: string, argument: string, value: unknown): CheckedMatrix {
  if (typeof value !== "object" || value === null) {
    throw typeError(functionName, argument, "be a matrix { rows, cols, data, stride? }", value);
  }
  const candidate = value as Partial<Matrix>;
  const rows = checkDimension(functionName, `${argument}.rows`, candidate.rows);
  const cols = checkDimension(functionName, `${argument}.cols`, candidate.cols);
  const data = candidate.data;
  const dtype = dtypeOf(data);
  if (dtype === undefined) {
    throw typeError(functionName, `${argument}.data`, "be a Float64Array or a Float32Array", data);
  }
  let stride = cols;
  if (candidate.stride !== undefined) {
    stride = checkDimension(functionName, `${argument}.stride`, candidate.stride);
    if (stride < cols || (stride === 0 && rows > 0 && cols > 0)) {
      throw rangeError(functionName, `${argument}.stride`, `be at least ${argument}.cols (${cols})`, stride);
    }
  }
  const span = spanOf(rows, cols, stride);
  if ((data as FloatArray).length < span) {
    throw rangeErrorDescribed(
      functionName,
      `${argument}.data`,
      `hold at least (rows - 1) * stride + cols = ${span} elements for a ${rows}x${cols} matrix with stride ${stride}`,
      `${(data as FloatArray).length} elements`,
    );
  }
  return { rows, cols, data: data as FloatArray, stride, dtype };
}

/**
 * Throws a TypeError unless every matrix has the element type of the first.
 *
 * @example
 * checkSameDType("add", ["a", a], ["b", b]);
 */
export function checkSameDType(functionName: string, ...operands: Array<[string, { dtype: DType }]>): void {
  const [firstName, first] = operands[0]!;
  for (const [name, operand] of operands.slice(1)) {
    if (operand.dtype !== first.dtype) {
      throw typeErrorDescribed(
        functionName,
        name,
        `have the element type of ${firstName} (${first.dtype === "f64" ? "Float64Array" : "Float32Array"})`,
        operand.dtype === "f64" ? "Float64Array" : "Float32Array",
      );
    }
  }
}

/**
 * Creates a row-major matrix. Without `data` it is zero-filled Float64Array storage; with `data`, the
 * array is used as it is (not copied) and must hold `rows * cols` elements.
 * Throws TypeError for non-integer sizes or data of another type, RangeError for negative sizes or a
 * length that is not `rows * cols`.
 *
 * @example
 * const z = matrix(2, 3);                                    // 2x3 zeros, Float64Array
 * const m = matrix(2, 2, new Float32Array([1, 2, 3, 4]));    // f32, shares the array
 */
export function matrix<T extends FloatArray = Float64Array>(rows: number, cols: number, data?: T): Matrix<T> {
  checkDimension("matrix", "rows", rows);
  checkDimension("matrix", "cols", cols);
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) as T };
  if (dtypeOf(data) === undefined) throw typeError("matrix", "data", "be a Float64Array or a Float32Array", data);
  if (data.length !== rows * cols) {
    throw rangeErrorDescribed("matrix", "data", `hold rows * cols = ${rows * cols} elements`, `${data.length} elements`);
  }
  return { rows, cols, data };
}

/**
 * Creates a matrix from nested arrays of numbers (one inner array per row), as Float64Array storage
 * or, with `dtype: "f32"`, Float32Array storage. Throws TypeError for non-arrays or non-numbers and
 * RangeError for rows of different lengths.
 *
 * @example
 * const m = fromArrays([[1, 2], [3, 4]]);         // { rows: 2, cols: 2, data: Float64Array [1, 2, 3, 4] }
 */
export function fromArrays(nested: ReadonlyArray<ReadonlyArray<number>>, dtype: DType = "f64"): Matrix {
  if (!Array.isArray(nested)) throw typeError("fromArrays", "nested", "be an array of rows", nested);
  if (dtype !== "f64" && dtype !== "f32") throw typeError("fromArrays", "dtype", 'be "f64" or "f32"', dtype);
  const rows = nested.length;
  if (rows > 0 && !Array.isArray(nested[0])) throw typeError("fromArrays", "nested[0]", "be an array of numbers", nested[0]);
  const cols = rows === 0 ? 0 : nested[0]!.length;
  const data = dtype === "f64" ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = nested[i];
    if (!Array.isArray(row)) throw typeError("fromArrays", `nested[${i}]`, "be an array of numbers", row);
    if (row.length !== cols) {
      throw rangeError("fromArrays", `nested[${i}].length`, `equal the length of the first row (${cols})`, row.length);
    }
    for (let j = 0; j < cols; j++) {
      const value = row[j];
      if (typeof value !== "number") throw typeError("fromArrays", `nested[${i}][${j}]`, "be a number", value);
      data[i * cols + j] = value;
    }
  }
  return { rows, cols, data };
}

/**
 * Copies a matrix into nested arrays of numbers, one inner array per row (the stride is honoured).
 *
 * @example
 * toArrays({ rows: 1, cols: 2, data: new Float64Array([5, 6]) }); // [[5, 6]]
 */
export function toArrays(m: Matrix): number[][] {
  const a = checkMatrix("toArrays", "m", m);
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) {
    out.push(Array.from(a.data.subarray(i * a.stride, i * a.stride + a.cols)));
  }
  return out;
}

/** Allocates a dense matrix (stride = cols) of the given element type. */
export function allocateMatrix(rows: number, cols: number, dtype: DType): Matrix {
  const data = dtype === "f64" ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  return { rows, cols, data };
}
