// lstsq and pinv: numpy's results on the Harwell-Boeing matrices, the minimum-norm solution of
// rank-deficient and wide problems, numpy's residual conventions, and the Penrose conditions of pinv.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { lstsq, pinv, svd, type Matrix } from "../../src/index.js";
import * as baseline from "../../src/baseline/index.js";
import { loadBackend } from "../helpers/backend.js";
import { testMatrix } from "../helpers/svdChecks.js";

beforeAll(async () => {
  await loadBackend();
});

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/svd/svd-fixtures.json", import.meta.url), "utf8"));

function denseFromTriplets(name: string): Matrix<Float64Array> {
  const { shape, triplets } = fixtures.matrices[name] as { shape: [number, number]; triplets: Array<[number, number, number]> };
  const data = new Float64Array(shape[0] * shape[1]);
  for (const [i, j, v] of triplets) data[i * shape[1] + j] = v;
  return { rows: shape[0], cols: shape[1], data };
}

function norm2(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum);
}

function multiply(a: Matrix, b: Matrix): Float64Array {
  const c = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) for (let l = 0; l < a.cols; l++) for (let j = 0; j < b.cols; j++) c[i * b.cols + j]! += a.data[i * a.cols + l]! * b.data[l * b.cols + j]!;
  return c;
}

describe.each(["HB_illc1033", "HB_well1033"])("lstsq %s", (name) => {
  test("matches numpy within the conditioning bound", () => {
    const reference = fixtures.lstsq[name];
    const a = denseFromTriplets(name);
    const b = Float64Array.from({ length: a.rows }, (_, i) => Math.sin(i + 1));
    const result = lstsq(a, b);
    expect(result.rank).toBe(reference.rank);
    expect(result.S).toBeCloseArray(fixtures.matrices[name].S, { atol: 1e-12 * fixtures.matrices[name].S[0] });

    // Perturbation bound of least squares (Golub and Van Loan, 5.3.8): the relative error in x is
    // about eps (cond + cond^2 ||r|| / (||A|| ||x||)); both solutions carry it, so allow it twice, times 10.
    const x = result.x as Float64Array;
    const cond = reference.cond as number;
    const residualNorm = Math.sqrt(reference.residuals[0]);
    const xNorm = norm2(reference.x);
    const bound = 20 * 2 ** -52 * (cond + (cond * cond * residualNorm) / (fixtures.matrices[name].S[0] * xNorm));
    const difference = norm2(Array.from(x, (value, i) => value - reference.x[i]));
    expect(difference / xNorm).toBeLessThan(bound);
    expect(result.residuals[0]).toBeCloseTo(reference.residuals[0], 6);
  });
});

// In f32 the zero singular values of a rank-deficient matrix come out near 1e-7, so pinv needs a
// cutoff above that where numpy's default of 1e-15 serves f64.
describe.each(["f64", "f32"] as const)("lstsq %s", (dtype) => {
  const tolerance = dtype === "f64" ? 1e-10 : 1e-3;
  const cutoff = dtype === "f64" ? 1e-15 : 1e-5;

  test("rank-deficient tall matrix gives the minimum-norm solution", () => {
    const a = testMatrix("rank-deficient", 40, 10, dtype, 5);
    const b = testMatrix("gaussian", 40, 2, dtype, 6);
    const result = lstsq(a, b);
    expect(result.rank).toBe(5);
    expect(result.residuals.length).toBe(0);
    const expected = multiply(pinv(a, { rcond: cutoff }) as Matrix, b);
    expect((result.x as Matrix).data).toBeCloseArray(expected, { atol: tolerance });
  });

  test("wide matrix gives the minimum-norm exact solution", () => {
    const a = testMatrix("gaussian", 6, 15, dtype, 7);
    const b = dtype === "f64" ? new Float64Array(6).fill(1) : new Float32Array(6).fill(1);
    const result = lstsq(a, b);
    expect(result.rank).toBe(6);
    expect(result.residuals.length).toBe(0);
    const x = result.x as Float64Array;
    const ax = multiply(a, { rows: 15, cols: 1, data: x });
    expect(ax).toBeCloseArray(new Float64Array(6).fill(1), { atol: tolerance });
  });

  test("full-rank tall matrix reports residuals and agrees with the baseline", () => {
    const a = testMatrix("gaussian", 50, 8, dtype, 9);
    const b = testMatrix("gaussian", 50, 3, dtype, 10);
    const result = lstsq(a, b);
    const reference = baseline.lstsq(a, b);
    expect(result.rank).toBe(8);
    expect(result.residuals.length).toBe(3);
    expect((result.x as Matrix).data).toBeCloseArray((reference.x as Matrix).data, { atol: tolerance });
    expect(result.residuals).toBeCloseArray(reference.residuals, { rtol: tolerance });
  });

  test("empty problems", () => {
    const a = testMatrix("zero", 0, 3, dtype, 1);
    const result = lstsq(a, dtype === "f64" ? new Float64Array(0) : new Float32Array(0));
    expect(Array.from(result.x as Float64Array)).toEqual([0, 0, 0]);
    expect(result.rank).toBe(0);
  });
});

describe.each(["f64", "f32"] as const)("pinv %s", (dtype) => {
  const tolerance = dtype === "f64" ? 1e-10 : 1e-3;
  const cutoff = dtype === "f64" ? 1e-15 : 1e-5;

  test.each([[12, 7], [7, 12], [9, 9]] as const)("Penrose conditions for %ix%i", (m, n) => {
    const a = testMatrix("rank-deficient", m, n, dtype, m * n);
    const p = pinv(a, { rcond: cutoff });
    expect(p.rows).toBe(n);
    expect(p.cols).toBe(m);
    const ap: Matrix = { rows: m, cols: m, data: multiply(a, p) };
    expect(multiply(ap, a)).toBeCloseArray(Float64Array.from(a.data), { atol: tolerance });
    const pa: Matrix = { rows: n, cols: n, data: multiply(p, a) };
    expect(multiply(pa, p)).toBeCloseArray(Float64Array.from(p.data), { atol: tolerance * 10 });
  });

  test("zero matrix gives zeros", () => {
    const p = pinv({ rows: 2, cols: 3, data: new Float64Array(6) });
    expect(Array.from(p.data)).toEqual(new Array(6).fill(0));
  });

  test("rcond is validated", () => {
    expect(() => pinv({ rows: 1, cols: 1, data: new Float64Array([1]) }, { rcond: -1 })).toThrow(RangeError);
    expect(svd).toBeTypeOf("function");
  });
});
