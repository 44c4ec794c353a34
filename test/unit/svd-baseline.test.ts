// The pure-JavaScript baseline of svd, qr, lstsq and pinv: the same ratios on a smaller set of shapes.
import { describe, expect, test } from "vitest";
import * as baseline from "../../src/baseline/index.js";
import {
  isSortedNonNegative,
  MATRIX_TYPES,
  orthogonalityRatio,
  reconstructionRatio,
  testMatrix,
  valuesAgreementRatio,
} from "../helpers/svdChecks.js";

const SHAPES: Array<[number, number]> = [[0, 0], [1, 1], [1, 6], [6, 1], [9, 9], [60, 20], [200, 10], [20, 60]];

describe.each(["f64", "f32"] as const)("baseline svd %s", (dtype) => {
  test.each(MATRIX_TYPES)("%s matrices", (type) => {
    let seed = 100;
    for (const [m, n] of SHAPES) {
      for (const full of [false, true]) {
        const a = testMatrix(type, m, n, dtype, seed++);
        const { U, S, Vt } = baseline.svd(a, { full });
        expect(isSortedNonNegative(S)).toBe(true);
        expect(reconstructionRatio(a, U, S, Vt, dtype)).toBeLessThan(30);
        expect(orthogonalityRatio(U, dtype)).toBeLessThan(30);
        expect(orthogonalityRatio(Vt, dtype, true)).toBeLessThan(30);
        expect(valuesAgreementRatio(a, baseline.svd(a, { vectors: false }).S, S, dtype)).toBeLessThan(1);
      }
    }
  });
});

describe("baseline qr, lstsq and pinv", () => {
  test("qr reconstructs", () => {
    const a = testMatrix("gaussian", 30, 12, "f64", 1);
    const { Q, R } = baseline.qr(a);
    expect(orthogonalityRatio(Q, "f64")).toBeLessThan(30);
    expect(R.rows).toBe(12);
  });

  test("lstsq solves a consistent system exactly", () => {
    const a = testMatrix("gaussian", 20, 5, "f64", 2);
    const x = Float64Array.from([1, -2, 3, -4, 5]);
    const b = new Float64Array(20);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 5; j++) b[i]! += a.data[i * 5 + j]! * x[j]!;
    const result = baseline.lstsq(a, b);
    expect(result.x as Float64Array).toBeCloseArray(x, { atol: 1e-12 });
    expect(result.rank).toBe(5);
  });

  test("pinv of an invertible matrix is its inverse", () => {
    const p = baseline.pinv({ rows: 2, cols: 2, data: new Float64Array([2, 0, 0, 4]) });
    expect(p.data).toBeCloseArray([0.5, 0, 0, 0.25], { atol: 1e-15 });
  });
});
