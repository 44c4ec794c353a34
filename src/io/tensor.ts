/**
 * The tensor that the file readers return and the writers take, and the bridge from a tensor to a
 * lowrank matrix.
 *
 * A tensor is `{ dtype, shape, data }`: `data` holds the elements in C order (last index fastest),
 * `dtype` names the element type in the file format's own vocabulary ("F32" in safetensors, "f4" in
 * .npy). Half-precision elements (safetensors F16 and BF16, .npy f2) are raw bit patterns in a
 * Uint16Array; 64-bit integers are BigInt64Array or BigUint64Array.
 */
import { checkMatrix, type FloatArray, type Matrix } from "../matrix.js";
import { rangeError, rangeErrorDescribed, typeError } from "../errors.js";
import { isTensorData, shapeProduct, type TensorData } from "./elements.js";

export type { TensorData } from "./elements.js";

/**
 * An n-dimensional array: `data` in C order, `shape` its dimensions (empty for a scalar).
 *
 * @example
 * const t: Tensor = { dtype: "F32", shape: [2, 3], data: new Float32Array(6) };
 */
export interface Tensor<D extends string = string, T extends TensorData = TensorData> {
  /** Element type, in the vocabulary of the format the tensor came from. */
  readonly dtype: D;
  /** Dimensions, outermost first. The product is `data.length`. */
  readonly shape: readonly number[];
  /** Elements in C order. */
  readonly data: T;
}

/** Element types whose Uint16Array holds half-precision bit patterns rather than integers. */
const HALF_DTYPES = new Set(["F16", "BF16", "f2"]);

/** Options of `tensorAsMatrix`. */
export interface TensorAsMatrixOptions {
  /**
   * Number of leading axes that form the rows; the remaining axes form the columns. Default 1, so a
   * convolution kernel [out, in, k] becomes out x (in * k). A 1-D tensor always becomes one row.
   */
  rowAxes?: number;
}

/**
 * Returns a tensor as a lowrank matrix `{ rows, cols, data }`: the first `rowAxes` axes (default 1)
 * are flattened into rows and the rest into columns, which needs no data movement because the
 * tensor is in C order. A 1-D tensor of n elements becomes 1 x n, a scalar 1 x 1.
 *
 * Float32Array and Float64Array data are shared, not copied, so writing to the matrix writes to the
 * tensor (and to the file bytes it may be a view of). Integer data is converted to a new
 * Float64Array; 64-bit integers beyond 2^53 lose precision in that conversion.
 * Throws TypeError for a non-tensor or for half-precision bits (F16, BF16, f2), which need a
 * conversion to f32 first, and RangeError for a `rowAxes` outside 0..rank or a shape that does not
 * match the data length.
 *
 * @example
 * const kernel = readSafetensors(bytes).tensor("encoder.0.reparam_conv.weight"); // [128, 129, 3]
 * const w = tensorAsMatrix(kernel);   // 128 x 387, sharing kernel.data
 */
export function tensorAsMatrix(tensor: Tensor, options: TensorAsMatrixOptions = {}): Matrix {
  const name = "tensorAsMatrix";
  if (typeof tensor !== "object" || tensor === null || !Array.isArray(tensor.shape) || !isTensorData(tensor.data)) {
    throw typeError(name, "tensor", "be a tensor { dtype, shape, data } with typed-array data", tensor);
  }
  const { shape, data } = tensor;
  if (HALF_DTYPES.has(tensor.dtype)) {
    throw typeError(name, "tensor.dtype", "be a type other than F16, BF16 or f2 (half-precision bits must be converted to f32 first)", tensor.dtype);
  }
  if (shapeProduct(shape) !== data.length) {
    throw rangeErrorDescribed(name, "tensor.shape", `have a product equal to data.length (${data.length})`, `[${shape.join(", ")}]`);
  }

  const rank = shape.length;
  const rowAxes = options.rowAxes ?? 1;
  if (!Number.isInteger(rowAxes) || rowAxes < 0 || rowAxes > rank) {
    throw rangeError(name, "options.rowAxes", `be an integer from 0 to the tensor's rank (${rank})`, rowAxes);
  }
  const rows = rank <= 1 ? 1 : shapeProduct(shape.slice(0, rowAxes));
  const cols = rank <= 1 ? data.length : shapeProduct(shape.slice(rowAxes));

  let values: FloatArray;
  if (data instanceof Float64Array || data instanceof Float32Array) {
    values = data;
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    values = Float64Array.from(data, (x) => Number(x));
  } else {
    values = Float64Array.from(data);
  }
  return { rows, cols, data: values };
}

/** What a writer accepts for one array: a tensor (dtype optional) or a lowrank matrix. */
export type TensorInput<D extends string = string> =
  | { readonly dtype?: D; readonly shape?: readonly number[]; readonly data: TensorData }
  | Matrix;

/** A writer's input after checking: shape filled in, data dense in C order. */
export interface CheckedTensorInput {
  readonly dtype: string | undefined;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/**
 * Checks one array handed to a writer. A matrix `{ rows, cols, data, stride? }` (no `shape`) becomes a
 * 2-D tensor, packed when its stride exceeds `cols`; a tensor without `shape` is 1-D.
 * Throws TypeError for non-typed-array data or a non-array shape, RangeError for dimensions that are
 * not non-negative integers or whose product differs from the data length.
 */
export function checkTensorInput(functionName: string, argument: string, value: unknown): CheckedTensorInput {
  if (typeof value !== "object" || value === null) {
    throw typeError(functionName, argument, "be a tensor { dtype?, shape?, data } or a matrix { rows, cols, data }", value);
  }
  const candidate = value as { dtype?: unknown; shape?: unknown; data?: unknown; rows?: unknown };
  if (candidate.shape === undefined && candidate.rows !== undefined) return packMatrix(functionName, argument, value);

  if (!isTensorData(candidate.data)) {
    throw typeError(functionName, `${argument}.data`, "be a typed array (Float64Array, Float32Array, Int8Array, ... BigUint64Array)", candidate.data);
  }
  const data = candidate.data;
  if (candidate.dtype !== undefined && typeof candidate.dtype !== "string") {
    throw typeError(functionName, `${argument}.dtype`, "be a string", candidate.dtype);
  }
  const shape = candidate.shape === undefined ? [data.length] : checkShape(functionName, `${argument}.shape`, candidate.shape);
  if (shapeProduct(shape) !== data.length) {
    throw rangeErrorDescribed(
      functionName,
      `${argument}.shape`,
      `have a product equal to ${argument}.data.length (${data.length})`,
      `[${shape.join(", ")}]`,
    );
  }
  return { dtype: candidate.dtype, shape, data };
}

function checkShape(functionName: string, argument: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw typeError(functionName, argument, "be an array of non-negative integers", shape);
  return shape.map((n: unknown, k) => {
    if (typeof n !== "number") throw typeError(functionName, `${argument}[${k}]`, "be a non-negative integer", n);
    if (!Number.isSafeInteger(n) || n < 0) throw rangeError(functionName, `${argument}[${k}]`, "be a non-negative integer", n);
    return n;
  });
}

function packMatrix(functionName: string, argument: string, value: unknown): CheckedTensorInput {
  const m = checkMatrix(functionName, argument, value);
  const count = m.rows * m.cols;
  let data: FloatArray = m.data.length === count ? m.data : m.data.subarray(0, count);
  if (m.stride !== m.cols && m.rows > 0 && m.cols > 0) {
    data = m.dtype === "f64" ? new Float64Array(count) : new Float32Array(count);
    for (let i = 0; i < m.rows; i++) data.set(m.data.subarray(i * m.stride, i * m.stride + m.cols), i * m.cols);
  }
  return { dtype: undefined, shape: [m.rows, m.cols], data };
}
