// QR: Q orthonormal, R upper trapezoidal, A = Q R, in every mode and shape, f64 and f32.
import { beforeAll, describe, expect, test } from "vitest";
import { qr, type Matrix } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import { norm1, orthogonalityRatio, safeMinOf, testMatrix, ulpOf, type DType } from "../helpers/svdChecks.js";

beforeAll(async () => {
  await loadBackend();
});

const SHAPES: Array<[number, number]> = [[0, 0], [0, 3], [3, 0], [1, 1], [5, 5], [40, 40], [120, 40], [200, 10], [10, 30], [1, 9]];

function factorizationRatio(a: Matrix, Q: Matrix, R: Matrix, dtype: DType): number {
  const { rows: m, cols: n } = a;
  const residual = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) residual[i * n + j] = a.data[i * n + j]!;
    for (let l = 0; l < Q.cols; l++) {
      const q = Q.data[i * Q.cols + l]!;
      for (let j = 0; j < n; j++) residual[i * n + j]! -= q * R.data[l * n + j]!;
    }
  }
  return norm1({ rows: m, cols: n, data: residual }) / Math.max(norm1(a), safeMinOf(dtype)) / Math.max(1, m, n) / ulpOf(dtype);
}

describe.each(["f64", "f32"] as const)("qr %s", (dtype) => {
  test.each(["reduced", "complete"] as const)("%s mode", (mode) => {
    let seed = 11;
    for (const [m, n] of SHAPES) {
      for (const type of ["gaussian", "rank-deficient", "zero"] as const) {
        const a = testMatrix(type, m, n, dtype, seed++);
        const before = a.data.slice();
        const { Q, R } = qr(a, { mode });
        const k = Math.min(m, n);
        expect(Q.rows).toBe(m);
        expect(Q.cols).toBe(mode === "complete" ? m : k);
        expect(R.rows).toBe(mode === "complete" ? m : k);
        expect(R.cols).toBe(n);
        for (let i = 0; i < R.rows; i++) for (let j = 0; j < Math.min(i, n); j++) expect(R.data[i * n + j]).toBe(0);
        expect(factorizationRatio(a, Q, R, dtype)).toBeLessThan(30);
        expect(orthogonalityRatio(Q, dtype)).toBeLessThan(30);
        expect(a.data).toEqual(before);
      }
    }
  });

  test("r mode equals the R of reduced mode", () => {
    const a = testMatrix("gaussian", 30, 12, dtype, 3);
    expect(qr(a, { mode: "r" }).R.data).toEqual(qr(a).R.data);
  });
});

describe("qr input", () => {
  test("unknown mode is rejected", () => {
    const a = { rows: 1, cols: 1, data: new Float64Array([1]) };
    expect(() => qr(a, { mode: "full" as "complete" })).toThrow(TypeError);
  });

  test("NaN names its entry", () => {
    expect(() => qr({ rows: 1, cols: 2, data: new Float64Array([0, Number.NaN]) })).toThrow("NaN at row 0, column 1");
  });
});
