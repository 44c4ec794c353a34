// A naive reference for matrix products (sums of exact products in f64) with the error bound any
// correct float implementation must meet, and the matcher that checks a result against both.
import { expect } from "vitest";
import type { FloatArray, Matrix } from "../../src/index.js";

/** Machine epsilon (unit roundoff times 2) of each element type. */
export const EPSILON = { f64: 2 ** -52, f32: 2 ** -23 } as const;

/** The smallest positive subnormal of each element type. */
export const SMALLEST_SUBNORMAL = { f64: 2 ** -1074, f32: 2 ** -149 } as const;

/** Element (i, j) of a matrix, honouring its stride. */
export function at(m: Matrix, i: number, j: number): number {
  return m.data[i * (m.stride ?? m.cols) + j]!;
}

/** Copies the rows x cols values of a matrix into dense row-major order, as doubles. */
export function denseValues(m: Matrix): Float64Array {
  const values = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) values[i * m.cols + j] = at(m, i, j);
  return values;
}

/** Expected values of a product and the largest error allowed at each element. */
export interface Expected {
  values: Float64Array;
  bounds: Float64Array;
}

export interface ProductCase {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
  /** C before the call, read when beta != 0. */
  c?: Matrix;
}

/**
 * C = alpha op(A) op(B) + beta C with every product exact and the sums in f64, and the bound
 * (k + 3) eps (|alpha| |op(A)| |op(B)| + |beta C|) + k * smallest subnormal, which holds for any
 * order of summation and for fused multiply-adds (alpha and beta rounded to f32 first for f32).
 */
export function referenceMatmul(a: Matrix, b: Matrix, options: ProductCase = {}): Expected {
  const dtype = a.data instanceof Float64Array ? "f64" : "f32";
  const round = dtype === "f32" ? Math.fround : (x: number) => x;
  const alpha = round(options.alpha ?? 1);
  const beta = round(options.beta ?? 0);
  const m = options.transA ? a.cols : a.rows;
  const k = options.transA ? a.rows : a.cols;
  const n = options.transB ? b.rows : b.cols;
  const opA = (i: number, p: number) => (options.transA ? at(a, p, i) : at(a, i, p));
  const opB = (p: number, j: number) => (options.transB ? at(b, j, p) : at(b, p, j));
  const values = new Float64Array(m * n);
  const bounds = new Float64Array(m * n);
  const factor = (k + 3) * EPSILON[dtype];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let magnitude = 0;
      if (alpha !== 0) {
        for (let p = 0; p < k; p++) {
          sum += opA(i, p) * opB(p, j);
          magnitude += Math.abs(opA(i, p) * opB(p, j));
        }
      }
      const scaled = beta === 0 || options.c === undefined ? 0 : beta * at(options.c, i, j);
      values[i * n + j] = (alpha === 0 ? 0 : alpha * sum) + scaled;
      bounds[i * n + j] = factor * (Math.abs(alpha) * magnitude + Math.abs(scaled)) + k * SMALLEST_SUBNORMAL[dtype];
    }
  }
  return { values, bounds };
}

/** y = alpha op(A) x + beta y, as `referenceMatmul` computes it for a one-column B. */
export function referenceMatvec(a: Matrix, x: FloatArray, options: { transA?: boolean; alpha?: number; beta?: number; y?: FloatArray } = {}): Expected {
  const column: Matrix = { rows: x.length, cols: 1, data: x };
  const c: Matrix | undefined = options.y === undefined ? undefined : { rows: options.y.length, cols: 1, data: options.y };
  return referenceMatmul(a, column, { transA: options.transA, alpha: options.alpha, beta: options.beta, c });
}

expect.extend({
  /**
   * Passes when every |received[i] - expected.values[i]| <= expected.bounds[i], NaN matching only
   * NaN and an infinity only itself. Reports the first element out of bounds.
   */
  toMatchProduct(received: ArrayLike<number>, expected: Expected) {
    if (received.length !== expected.values.length) {
      return { pass: false, message: () => `lengths differ: received ${received.length}, expected ${expected.values.length}` };
    }
    for (let i = 0; i < received.length; i++) {
      const actual = received[i]!;
      const expectedValue = expected.values[i]!;
      if (Number.isNaN(expectedValue) || Number.isNaN(actual) || !Number.isFinite(expectedValue) || !Number.isFinite(actual)) {
        if (Object.is(actual, expectedValue) || (Number.isNaN(actual) && Number.isNaN(expectedValue))) continue;
        return { pass: false, message: () => `index ${i}: received ${actual}, expected ${expectedValue}` };
      }
      const error = Math.abs(actual - expectedValue);
      if (!(error <= expected.bounds[i]!)) {
        return { pass: false, message: () => `index ${i}: received ${actual}, expected ${expectedValue}, error ${error} exceeds the bound ${expected.bounds[i]}` };
      }
    }
    return { pass: true, message: () => "every element within its bound" };
  },
});

declare module "vitest" {
  interface Matchers<T = any> {
    toMatchProduct(expected: Expected): T;
  }
}
