import { beforeAll, describe, expect, it } from "vitest";
import { fromArrays, matrixRank, norm, RandomState, resident, seed, randn } from "../../src/index.js";
import walkthrough from "../fixtures/seed-walkthrough.json" with { type: "json" };
import { loadBackend } from "../helpers/backend.js";

beforeAll(loadBackend);

describe("norm", () => {
  it("Frobenius norm of the walk-through W equals numpy's", () => {
    seed(69);
    expect(norm(randn(10, 10))).toBeCloseTo(walkthrough.norm_W_fro, 13);
  });

  it("spectral norm is the largest singular value", () => {
    seed(69);
    const w = randn(10, 10);
    expect(Math.abs(norm(w, 2) - walkthrough.S[0]!) / walkthrough.S[0]!).toBeLessThan(1e-13);
    expect(norm(fromArrays([[3, 4]]), 2)).toBeCloseTo(5, 14);
  });

  it("neither overflows nor underflows", () => {
    expect(norm(fromArrays([[3e200, 4e200]])) / 5e200).toBeCloseTo(1, 14);
    expect(norm(fromArrays([[3e-200, 4e-200]])) / 5e-200).toBeCloseTo(1, 14);
    expect(norm(fromArrays([[3e-320, 4e-320]]))).toBeGreaterThan(4e-320);
    const big = [Math.fround(3e30), Math.fround(4e30)];
    const exact = 1e30 * Math.hypot(big[0]! / 1e30, big[1]! / 1e30);
    expect(norm(fromArrays([big], "f32")) / exact).toBeCloseTo(1, 14);
  });

  it("propagates NaN and Infinity and handles empty matrices", () => {
    expect(norm(fromArrays([[1, NaN]]))).toBeNaN();
    expect(norm(fromArrays([[1, -Infinity]]))).toBe(Infinity);
    expect(norm(fromArrays([]))).toBe(0);
    expect(norm({ rows: 0, cols: 3, data: new Float64Array(0) }, 2)).toBe(0);
    expect(() => norm(fromArrays([[1, NaN]]), 2)).toThrow(RangeError);
  });

  it("honours strides and resident inputs", () => {
    const wide = new RandomState(2).randn(4, 6);
    const view = { rows: 4, cols: 3, stride: 6, data: wide.data };
    let sum = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) sum += wide.data[i * 6 + j]! ** 2;
    expect(norm(view)).toBeCloseTo(Math.sqrt(sum), 14);
    const held = resident(wide);
    expect(norm(held)).toBe(norm(wide));
    held.dispose();
  });

  it("rejects another kind", () => {
    expect(() => norm(fromArrays([[1]]), 1 as 2)).toThrow(/norm: kind must be "fro" or 2, received 1/);
  });
});

describe("matrixRank", () => {
  it("counts singular values above the tolerance", () => {
    expect(matrixRank(fromArrays([[1, 2], [2, 4]]))).toBe(1);
    expect(matrixRank(fromArrays([[1, 0], [0, 1e-10]]))).toBe(2);
    expect(matrixRank(fromArrays([[1, 0], [0, 1e-10]]), { tol: 1e-8 })).toBe(1);
    expect(matrixRank(fromArrays([[0, 0]]))).toBe(0);
    const rng = new RandomState(4);
    const b = rng.randn(30, 3);
    const c = rng.randn(3, 20);
    const product = new Float64Array(600);
    for (let i = 0; i < 30; i++) for (let j = 0; j < 20; j++) for (let k = 0; k < 3; k++) product[i * 20 + j]! += b.data[i * 3 + k]! * c.data[k * 20 + j]!;
    expect(matrixRank({ rows: 30, cols: 20, data: product })).toBe(3);
  });

  it("rejects a negative tolerance", () => {
    expect(() => matrixRank(fromArrays([[1]]), { tol: -1 })).toThrow(/options\.tol must be a non-negative number, received -1/);
  });
});
