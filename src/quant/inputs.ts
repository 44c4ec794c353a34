/**
 * Argument handling shared by the number-format functions and their pure-JavaScript twins: the value
 * inputs (a typed array or a matrix), options objects, block sizes, and the error for values a
 * quantizer cannot take.
 */
import { rangeError, rangeErrorDescribed, typeError } from "../errors.js";
import { checkMatrix, type DType, type FloatArray, type Matrix } from "../matrix.js";
import { ResidentMatrix } from "../runtime/resident.js";

/** Values input of the number-format functions: a typed array, or a matrix read row by row. */
export type ValuesInput = Float32Array | Float64Array | Matrix | ResidentMatrix;

/** A values input after validation: its shape (1 x n for a typed array) and its values, dense. */
export interface CheckedValues {
  readonly rows: number;
  readonly cols: number;
  readonly length: number;
  readonly dtype: DType;
  /** True when the input was a matrix (so per-row grouping is the natural default). */
  readonly isMatrix: boolean;
  /** The values in row-major order without gaps; the caller's own array when it already is one. */
  readonly dense: FloatArray;
}

/** Largest value count the kernels take: their counts are 32-bit signed integers. */
export const MAX_VALUES = 2 ** 31 - 1;

function denseOf(matrix: { rows: number; cols: number; stride: number; data: FloatArray }): FloatArray {
  const { rows, cols, stride, data } = matrix;
  if (stride === cols) return data.subarray(0, rows * cols);
  const dense = data instanceof Float64Array ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) dense.set(data.subarray(i * stride, i * stride + cols), i * cols);
  return dense;
}

/**
 * Validates a values input. Throws TypeError unless it is a Float32Array, a Float64Array or a matrix
 * (see `checkMatrix`), and RangeError beyond 2^31 - 1 values.
 */
export function checkValues(functionName: string, argument: string, value: unknown): CheckedValues {
  let checked: CheckedValues;
  if (value instanceof Float32Array || value instanceof Float64Array) {
    checked = { rows: 1, cols: value.length, length: value.length, dtype: value instanceof Float64Array ? "f64" : "f32", isMatrix: false, dense: value };
  } else if (value instanceof ResidentMatrix) {
    const plain = value.toMatrix();
    checked = { rows: plain.rows, cols: plain.cols, length: plain.rows * plain.cols, dtype: value.dtype, isMatrix: true, dense: plain.data };
  } else if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && !Array.isArray(value)) {
    const matrix = checkMatrix(functionName, argument, value);
    checked = { rows: matrix.rows, cols: matrix.cols, length: matrix.rows * matrix.cols, dtype: matrix.dtype, isMatrix: true, dense: denseOf(matrix) };
  } else {
    throw typeError(functionName, argument, "be a Float32Array, a Float64Array or a matrix { rows, cols, data, stride? }", value);
  }
  if (checked.length > MAX_VALUES) throw rangeError(functionName, `${argument}.length`, "be at most 2^31 - 1 values", checked.length);
  return checked;
}

/** Validates an options object, which may be absent. */
export function checkOptionsObject<T extends object>(functionName: string, options: unknown): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) throw typeError(functionName, "options", "be an object", options);
  return options as Partial<T>;
}

/** Validates a block size: a positive integer below 2^31. Returns `fallback` when it is undefined. */
export function checkBlockSize(functionName: string, argument: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw typeError(functionName, argument, "be a positive integer", value);
  if (!Number.isInteger(value) || value < 1 || value > MAX_VALUES) throw rangeError(functionName, argument, "be a positive integer below 2^31", value);
  return value;
}

/** Validates a string option against its allowed values. Returns `fallback` when it is undefined. */
export function checkChoice<T extends string>(functionName: string, argument: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw typeError(functionName, argument, `be one of ${choices.map((choice) => `"${choice}"`).join(", ")}`, value);
  }
  return value as T;
}

/** Validates a boolean option. Returns `fallback` when it is undefined. */
export function checkFlag(functionName: string, argument: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw typeError(functionName, argument, "be true or false", value);
  return value;
}

/**
 * Builds the RangeError for a group [start, end) whose scale came out infinite or NaN: it names the
 * first NaN or infinity there, or, when every value is finite (a float64 range too wide for a float32
 * scale), the group.
 */
export function nonFiniteError(functionName: string, argument: string, values: FloatArray, start: number, end: number): RangeError {
  for (let i = start; i < end; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) {
      return rangeErrorDescribed(functionName, argument, "hold only finite values (NaN and infinities cannot be quantized)", `${value} at index ${i}`);
    }
  }
  return rangeErrorDescribed(
    functionName,
    argument,
    "have values whose scale fits in a float32 (3.4e38)",
    `a group from index ${start} to ${end - 1} whose scale overflows`,
  );
}
