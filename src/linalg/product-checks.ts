/**
 * Argument checks of the matrix and matrix-vector products, shared by the wasm-backed functions and
 * their pure-JavaScript baselines so that both throw the same errors.
 */
import { rangeErrorDescribed, typeError } from "../errors.js";
import { checkSameDType, dtypeOf, shapeText, type CheckedMatrix, type DType, type FloatArray, type Matrix } from "../matrix.js";
import { checkOptions, checkOut, checkScalar, overlaps } from "./checks.js";

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Multiply by A^T instead of A. Default false. */
  transA?: boolean;
  /** Multiply by B^T instead of B. Default false. */
  transB?: boolean;
  /** Factor of the product. Default 1. */
  alpha?: number;
  /** Factor of the existing `out`; ignored without `out`. Default 0, which never reads `out`. */
  beta?: number;
  /** Where to write C (its stride is honoured, and with beta != 0 its values are read first). */
  out?: Matrix;
}

/** Options of `matvec`. */
export interface MatvecOptions {
  /** Multiply by A^T instead of A. Default false. */
  transA?: boolean;
  /** Factor of the product. Default 1. */
  alpha?: number;
  /** Factor of the existing `out`; ignored without `out`. Default 0, which never reads `out`. */
  beta?: number;
  /** Where to write y: a Float64Array or Float32Array of the result's length. */
  out?: FloatArray;
}

/** The shape and element type of a validated operand, plain or resident. */
export interface OperandShape {
  readonly rows: number;
  readonly cols: number;
  readonly dtype: DType;
  /** The caller's storage when the operand is a plain matrix. */
  readonly plain?: { readonly data: FloatArray };
}

/** A validated matrix product: C (m x n) = alpha op(A) (m x k) op(B) (k x n) + beta C. */
export interface MatmulPlan {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  /** 0 when no `out` was given: a new C starts from nothing. */
  beta: number;
  dtype: DType;
  out?: CheckedMatrix;
}

/** A validated matrix-vector product: y (length `outputs`) = alpha op(A) x (length `inputs`) + beta y. */
export interface MatvecPlan {
  m: number;
  n: number;
  transA: boolean;
  alpha: number;
  beta: number;
  dtype: DType;
  inputs: number;
  outputs: number;
  out?: FloatArray;
}

function checkFlag(functionName: string, argument: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw typeError(functionName, argument, "be a boolean", value);
  return value;
}

function describeOperand(name: string, operand: OperandShape, transposed: boolean): string {
  return `${name} (${shapeText(operand)}${transposed ? ", transposed" : ""})`;
}

/**
 * Checks the options of a matrix product of two validated operands and returns the plan. Throws a
 * TypeError for mixed element types or an option of the wrong type, and a RangeError, naming both
 * shapes, when the inner dimensions differ or `out` shares memory with an input.
 */
export function planMatmul(functionName: string, a: OperandShape, b: OperandShape, options: unknown): MatmulPlan {
  checkSameDType(functionName, ["a", a], ["b", b]);
  const opts = checkOptions<MatmulOptions>(functionName, options);
  const transA = checkFlag(functionName, "options.transA", opts.transA);
  const transB = checkFlag(functionName, "options.transB", opts.transB);
  const alpha = opts.alpha === undefined ? 1 : checkScalar(functionName, "options.alpha", opts.alpha);
  const beta = opts.beta === undefined ? 0 : checkScalar(functionName, "options.beta", opts.beta);

  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kB = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (kB !== k) {
    throw rangeErrorDescribed(
      functionName,
      "b",
      `have ${k} ${transB ? "columns" : "rows"} to match the columns of ${transA ? "a^T" : "a"} (a is ${shapeText(a)})`,
      shapeText(b),
    );
  }

  const out = checkOut(functionName, opts, m, n, a, `op(a) op(b) is ${m}x${n}`);
  if (out !== undefined) {
    for (const [name, operand, transposed] of [["a", a, transA], ["b", b, transB]] as const) {
      if (operand.plain !== undefined && overlaps(out.data, operand.plain.data)) {
        throw rangeErrorDescribed(
          functionName,
          "options.out",
          `not share memory with ${describeOperand(name, operand, transposed)}`,
          `a ${shapeText(out)} matrix over the same buffer`,
        );
      }
    }
  }
  return { m, n, k, transA, transB, alpha, beta: out === undefined ? 0 : beta, dtype: a.dtype, ...(out !== undefined ? { out } : {}) };
}

/** Checks that `value` is a Float64Array or Float32Array of `dtype` and `length` elements. */
function checkVector(functionName: string, argument: string, value: unknown, dtype: DType, length: number, rule: string): FloatArray {
  const type = dtypeOf(value);
  if (type === undefined) throw typeError(functionName, argument, "be a Float64Array or a Float32Array", value);
  if (type !== dtype) {
    throw typeError(functionName, argument, `have the element type of a (${dtype === "f64" ? "Float64Array" : "Float32Array"})`, value);
  }
  const vector = value as FloatArray;
  if (vector.length !== length) throw rangeErrorDescribed(functionName, argument, `have ${length} elements (${rule})`, `${vector.length} elements`);
  return vector;
}

/**
 * Checks the vector and options of a matrix-vector product with a validated matrix and returns the
 * plan. Throws a TypeError for a vector that is not a Float64Array or Float32Array of a's element type
 * or an option of the wrong type, and a RangeError, naming a's shape, for a vector of the wrong length
 * or an `out` that shares memory with an input.
 */
export function planMatvec(functionName: string, a: OperandShape, x: unknown, options: unknown): MatvecPlan {
  const opts = checkOptions<MatvecOptions>(functionName, options);
  const transA = checkFlag(functionName, "options.transA", opts.transA);
  const alpha = opts.alpha === undefined ? 1 : checkScalar(functionName, "options.alpha", opts.alpha);
  const beta = opts.beta === undefined ? 0 : checkScalar(functionName, "options.beta", opts.beta);
  const inputs = transA ? a.rows : a.cols;
  const outputs = transA ? a.cols : a.rows;
  const operation = transA ? `a^T x with a ${shapeText(a)}` : `a x with a ${shapeText(a)}`;

  const vector = checkVector(functionName, "x", x, a.dtype, inputs, operation);
  let out: FloatArray | undefined;
  if (opts.out !== undefined) {
    out = checkVector(functionName, "options.out", opts.out, a.dtype, outputs, operation);
    const sharesA = a.plain !== undefined && overlaps(out, a.plain.data);
    if (sharesA || overlaps(out, vector)) {
      throw rangeErrorDescribed(
        functionName,
        "options.out",
        `not share memory with ${sharesA ? `a (${shapeText(a)})` : `x (${inputs} elements)`}`,
        `${outputs} elements over the same buffer`,
      );
    }
  }
  return { m: a.rows, n: a.cols, transA, alpha, beta: out === undefined ? 0 : beta, dtype: a.dtype, inputs, outputs, ...(out !== undefined ? { out } : {}) };
}
