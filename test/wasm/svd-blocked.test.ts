// The blocked paths of the SVD and QR kernels (panel bidiagonalization, reflectors applied in compact
// WY form, blocked QR) and divide and conquer for the bidiagonal SVD, on small matrices. Lowered
// block sizes, crossovers and leaf sizes reach them. The checks are the LAPACK-driver-style ratios of
// svd.test.ts and agreement with the singular values of the default path.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { qr, svd, type Matrix } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import { resetSvdParams, setSvdParams, type SvdParams } from "../helpers/svdParams.js";
import {
  EXTRA_MATRIX_TYPES,
  isSortedNonNegative,
  MATRIX_TYPES,
  norm1,
  orthogonalityRatio,
  reconstructionRatio,
  safeMinOf,
  testMatrix,
  ulpOf,
  valuesAgreementRatio,
  type DType,
} from "../helpers/svdChecks.js";

beforeAll(async () => {
  await loadBackend();
});

afterAll(() => {
  resetSvdParams();
});

const RATIO_LIMIT = 30;

/** Square, tall below and above the QR crossover (m >= 1.6 n), and wide; most not a multiple of a block. */
const SHAPES: Array<[number, number]> = [[2, 2], [7, 7], [9, 9], [23, 23], [40, 40], [30, 25], [61, 20], [90, 9], [25, 30], [13, 47]];

/** Lowered settings: tiny blocks, blocks of one, and blocks close to the size. */
const SETTINGS: Array<[string, SvdParams]> = [
  ["blocks of 3", { bidiagBlock: 3, bidiagCrossover: 4, reflectorBlock: 3, reflectorCrossover: 4 }],
  ["blocks of 1", { bidiagBlock: 1, bidiagCrossover: 1, reflectorBlock: 1, reflectorCrossover: 1 }],
  ["blocks of 8", { bidiagBlock: 8, bidiagCrossover: 8, reflectorBlock: 8, reflectorCrossover: 8 }],
];

/**
 * Divide and conquer from order 3 up, with leaves of 2 rows (the deepest recursion), 3 and 6, alone
 * and with the blocked reductions. Default QR iteration gives the reference values.
 */
const DIVIDE_SETTINGS: Array<[string, SvdParams]> = [
  ["leaves of 2", { divideCrossover: 2, divideLeaf: 2 }],
  ["leaves of 3", { divideCrossover: 3, divideLeaf: 3 }],
  ["leaves of 6, blocks of 3", { divideCrossover: 6, divideLeaf: 6, bidiagBlock: 3, bidiagCrossover: 4, reflectorBlock: 3, reflectorCrossover: 4 }],
];

/** Singular values by the default (unblocked at these sizes) path; the caller sets its parameters again. */
function defaultValues(a: Matrix): ArrayLike<number> {
  resetSvdParams();
  return svd(a, { vectors: false }).S;
}

describe.each(["f64", "f32"] as const)("blocked svd %s", (dtype: DType) => {
  test.each([...SETTINGS, ...DIVIDE_SETTINGS])("%s", (_name, params) => {
    let seed = 101;
    for (const type of [...MATRIX_TYPES, ...EXTRA_MATRIX_TYPES]) {
      for (const [m, n] of SHAPES) {
        const a = testMatrix(type, m, n, dtype, seed++);
        const reference = defaultValues(a);
        setSvdParams(params);
        for (const full of [false, true]) {
          const { U, S, Vt } = svd(a, { full });
          expect(isSortedNonNegative(S)).toBe(true);
          expect(reconstructionRatio(a, U, S, Vt, dtype)).toBeLessThan(RATIO_LIMIT);
          expect(orthogonalityRatio(U, dtype)).toBeLessThan(RATIO_LIMIT);
          expect(orthogonalityRatio(Vt, dtype, true)).toBeLessThan(RATIO_LIMIT);
          expect(valuesAgreementRatio(a, S, reference, dtype)).toBeLessThan(1);
        }
        const values = svd(a, { vectors: false }).S;
        expect(valuesAgreementRatio(a, values, reference, dtype)).toBeLessThan(1);
      }
    }
  });
});

describe.each(["f64", "f32"] as const)("blocked qr %s", (dtype: DType) => {
  test.each(SETTINGS)("%s", (_name, params) => {
    setSvdParams(params);
    let seed = 301;
    for (const type of ["gaussian", "rank-deficient", "graded"] as const) {
      for (const [m, n] of SHAPES) {
        const a = testMatrix(type, m, n, dtype, seed++);
        for (const mode of ["reduced", "complete"] as const) {
          const { Q, R } = qr(a, { mode });
          for (let i = 0; i < R.rows; i++) for (let j = 0; j < Math.min(i, n); j++) expect(R.data[i * n + j]).toBe(0);
          expect(orthogonalityRatio(Q, dtype)).toBeLessThan(RATIO_LIMIT);

          // ||A - Q R||_1 / (||A||_1 max(m, n) ulp).
          const residual = new Float64Array(m * n);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let sum = a.data[i * n + j]!;
              for (let l = 0; l < Q.cols; l++) sum -= Q.data[i * Q.cols + l]! * R.data[l * n + j]!;
              residual[i * n + j] = sum;
            }
          }
          const ratio = norm1({ rows: m, cols: n, data: residual }) / Math.max(norm1(a), safeMinOf(dtype)) / Math.max(1, m, n) / ulpOf(dtype);
          expect(ratio).toBeLessThan(RATIO_LIMIT);
        }
      }
    }
  });
});

/**
 * Matrices whose bidiagonal form is mostly rounding noise, down to subnormal numbers in f32: all ones
 * (rank 1) and a ones matrix plus a small diagonal. Divide and conquer once failed to converge on the
 * first and lost orthogonality on subnormal rotations and overflowing vector entries.
 */
describe.each(["f64", "f32"] as const)("divide and conquer on noise %s", (dtype: DType) => {
  test.each([[150, 150], [300, 300], [400, 130]] as const)("%i x %i", (m, n) => {
    resetSvdParams();
    for (const shift of [0, 1e-3]) {
      const data = dtype === "f64" ? new Float64Array(m * n).fill(1) : new Float32Array(m * n).fill(1);
      for (let i = 0; i < Math.min(m, n); i++) data[i * n + i]! += shift;
      const a = { rows: m, cols: n, data };
      const { U, S, Vt } = svd(a);
      expect(isSortedNonNegative(S)).toBe(true);
      expect(reconstructionRatio(a, U, S, Vt, dtype)).toBeLessThan(RATIO_LIMIT);
      expect(orthogonalityRatio(U, dtype)).toBeLessThan(RATIO_LIMIT);
      expect(orthogonalityRatio(Vt, dtype, true)).toBeLessThan(RATIO_LIMIT);
      expect(valuesAgreementRatio(a, svd(a, { vectors: false }).S, S, dtype)).toBeLessThan(1);
    }
  });
});
