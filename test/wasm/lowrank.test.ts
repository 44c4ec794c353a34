import { beforeAll, describe, expect, it } from "vitest";
import { matmul, qr, RandomState, randn, resident, seed, svd, type Matrix } from "../../src/index.js";
import { lowRank } from "../../src/lowrank/lowrank.js";
import { randomizedSvd } from "../../src/lowrank/randomized.js";
import walkthrough from "../fixtures/seed-walkthrough.json" with { type: "json" };
import { loadBackend } from "../helpers/backend.js";

beforeAll(loadBackend);

function flat(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

function maxAbs(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!));
  return largest;
}

/** An m x n matrix U diag(s) V^T with random orthonormal U and V and the given singular values. */
function withSpectrum(rng: RandomState, m: number, n: number, s: (i: number) => number): { w: Matrix; S: Float64Array } {
  const k = Math.min(m, n);
  const U = qr(rng.randn(m, k)).Q;
  const V = qr(rng.randn(n, k)).Q;
  const S = new Float64Array(k).map((_, i) => s(i));
  const scaled = { rows: m, cols: k, data: U.data.slice() };
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) scaled.data[i * k + j]! *= S[j]!;
  return { w: matmul(scaled, V, { transB: true }), S };
}

/** ||W - U diag(S) Vt||_F computed from the product. */
function truncationError(w: Matrix, U: Matrix, S: ArrayLike<number>, Vt: Matrix): number {
  const scaled = { rows: U.rows, cols: U.cols, data: U.data.slice() };
  for (let i = 0; i < U.rows; i++) for (let j = 0; j < U.cols; j++) scaled.data[i * U.cols + j]! *= S[j]!;
  const residual = matmul(scaled, Vt, { alpha: -1, beta: 1, out: { rows: w.rows, cols: w.cols, data: w.data.slice() } });
  return Math.hypot(...residual.data);
}

describe("lowRank", () => {
  it("reproduces the article's walk-through", () => {
    seed(69);
    const w = randn(10, 10);
    expect(w.data).toEqualBits(flat(walkthrough.W));
    const result = lowRank(w, walkthrough.k);
    expect([result.B.rows, result.B.cols, result.A.rows, result.A.cols]).toEqual([10, 4, 4, 10]);
    expect(result.parametersBefore).toBe(100);
    expect(result.parametersAfter).toBe(80);
    expect(Math.abs(result.errorFro - walkthrough.error_fro) / walkthrough.error_fro).toBeLessThan(1e-12);
    expect(Math.abs(result.residualFro - result.errorFro) / result.errorFro).toBeLessThan(1e-12);
    expect(Math.abs(result.relativeError - walkthrough.relative_error) / walkthrough.relative_error).toBeLessThan(1e-12);
    expect(result.S).toBeCloseArray(walkthrough.S, { rtol: 1e-13 });
    const product = matmul(result.B, result.A).data;
    const expected = flat(walkthrough.BA);
    expect(product).toBeCloseArray(expected, { atol: 1e-13 * maxAbs(expected) });
  });

  it("article split has orthonormal B", () => {
    seed(69);
    const { B } = lowRank(randn(10, 10), 4);
    const gram = matmul(B, B, { transA: true });
    const identity = new Float64Array(16).map((_, i) => (i % 5 === 0 ? 1 : 0));
    expect(gram.data).toBeCloseArray(identity, { atol: 1e-14 });
  });

  it("balanced split gives the same product", () => {
    seed(69);
    const w = randn(10, 10);
    const article = lowRank(w, 4);
    const balanced = lowRank(w, 4, { split: "balanced" });
    const expected = matmul(article.B, article.A).data;
    expect(matmul(balanced.B, balanced.A).data).toBeCloseArray(expected, { atol: 1e-14 * maxAbs(expected) });
    // Column j of B and row j of A have the same norm, sqrt(s_j).
    for (let j = 0; j < 4; j++) {
      let column = 0;
      let row = 0;
      for (let i = 0; i < 10; i++) column += balanced.B.data[i * 4 + j]! ** 2;
      for (let i = 0; i < 10; i++) row += balanced.A.data[j * 10 + i]! ** 2;
      expect(Math.sqrt(column)).toBeCloseTo(Math.sqrt(article.S[j]!), 13);
      expect(Math.sqrt(row)).toBeCloseTo(Math.sqrt(article.S[j]!), 13);
    }
  });

  it("randomized method matches the exact error", () => {
    const { w } = withSpectrum(new RandomState(3), 120, 80, (i) => Math.exp(-i / 6));
    const exact = lowRank(w, 10);
    const randomized = lowRank(w, 10, { method: "randomized" });
    expect(randomized.residualFro / exact.residualFro).toBeLessThan(1.01);
    expect(Math.abs(randomized.errorFro - randomized.residualFro) / randomized.residualFro).toBeLessThan(1e-6);
  });

  it("works on f32 and resident input", () => {
    seed(69);
    const w = randn(10, 10);
    const w32 = { rows: 10, cols: 10, data: Float32Array.from(w.data) };
    const result = lowRank(w32, 4);
    expect(result.B.data).toBeInstanceOf(Float32Array);
    expect(Math.abs(result.errorFro - walkthrough.error_fro) / walkthrough.error_fro).toBeLessThan(1e-5);
    expect(Math.abs(result.residualFro - result.errorFro) / result.errorFro).toBeLessThan(1e-5);
    const held = resident(w);
    expect(lowRank(held, 4).errorFro).toBe(lowRank(w, 4).errorFro);
    held.dispose();
  });

  it("rejects bad ranks and options", () => {
    seed(69);
    const w = randn(10, 10);
    expect(() => lowRank(w, 0)).toThrow(RangeError);
    expect(() => lowRank(w, 11)).toThrow(/lowRank: k must be an integer from 1 to 10 \(at most min\(rows, cols\) of a 10x10 matrix\), received 11/);
    expect(() => lowRank(w, 2.5)).toThrow(RangeError);
    expect(() => lowRank(w, "4" as unknown as number)).toThrow(TypeError);
    expect(() => lowRank(w, 4, { method: "fast" as "exact" })).toThrow(/options\.method must be "exact" or "randomized", received "fast"/);
    expect(() => lowRank(w, 4, { split: "even" as "article" })).toThrow(TypeError);
    const bad = { rows: 2, cols: 2, data: new Float64Array([1, NaN, 0, 1]) };
    expect(() => lowRank(bad, 1)).toThrow(RangeError);
  });
});

describe("randomizedSvd", () => {
  const cases = [
    { label: "fast decay", s: (i: number) => Math.exp(-i / 5) },
    { label: "slow decay", s: (i: number) => 1 / Math.sqrt(i + 1) },
  ];
  for (const { label, s } of cases) {
    for (const [m, n, k] of [[300, 200, 10], [200, 300, 25]] as const) {
      it(`within 1 % on ${label}, ${m}x${n}, k ${k}`, () => {
        const { w, S } = withSpectrum(new RandomState(11), m, n, s);
        let tail = 0;
        for (let i = S.length - 1; i >= k; i--) tail += S[i]! ** 2;
        const optimal = Math.sqrt(tail);
        const { U, S: estimated, Vt } = randomizedSvd(w, k);
        expect([U.rows, U.cols, estimated.length, Vt.rows, Vt.cols]).toEqual([m, k, k, k, n]);
        expect(truncationError(w, U, estimated, Vt) / optimal).toBeLessThan(1.01);
        const exact = svd(w, { vectors: false }).S;
        expect(Math.abs(estimated[0]! - exact[0]!) / exact[0]!).toBeLessThan(1e-6);
      });
    }
  }

  it("is deterministic and leaves the global stream alone", () => {
    const { w } = withSpectrum(new RandomState(5), 60, 40, (i) => 1 / (i + 1));
    seed(123);
    const expectedNext = randn(3);
    seed(123);
    const first = randomizedSvd(w, 5, { seed: 9 });
    const second = randomizedSvd(w, 5, { seed: 9 });
    expect(randn(3)).toEqualBits(expectedNext);
    expect(first.S).toEqualBits(second.S);
    expect(first.U.data).toEqualBits(second.U.data);
  });

  it("accepts every sketch setting", () => {
    const { w, S } = withSpectrum(new RandomState(6), 50, 30, (i) => 2 ** -i);
    const full = randomizedSvd(w, 30, { oversampling: 0, powerIterations: 0 });
    expect(full.S).toBeCloseArray(S.slice(0, 30), { atol: 1e-14 });
    const f32 = randomizedSvd({ rows: 50, cols: 30, data: Float32Array.from(w.data) }, 3);
    expect(f32.U.data).toBeInstanceOf(Float32Array);
    expect(f32.S).toBeCloseArray(S.slice(0, 3), { rtol: 1e-5 });
  });

  it("rejects bad arguments", () => {
    const w = randn(6, 4);
    expect(() => randomizedSvd(w, 5)).toThrow(/randomizedSvd: k must be an integer from 1 to 4/);
    expect(() => randomizedSvd(w, 2, { oversampling: -1 })).toThrow(/options\.oversampling must be a non-negative integer, received -1/);
    expect(() => randomizedSvd(w, 2, { powerIterations: 1.5 })).toThrow(RangeError);
    expect(() => randomizedSvd(w, 2, { seed: -3 })).toThrow(/options\.seed must be an integer from 0 to 2\^32 - 1, received -3/);
    expect(() => randomizedSvd(w, 2, { seed: "1" as unknown as number })).toThrow(TypeError);
    expect(() => randomizedSvd({ rows: 1, cols: 2, data: new Float64Array([1, Infinity]) }, 1)).toThrow(/Infinity at row 0, column 1/);
  });
});
