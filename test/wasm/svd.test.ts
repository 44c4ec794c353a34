// The SVD against LAPACK-driver-style ratios on every matrix type and shape, numpy's values on the
// walk-through and on real matrices, and its handling of bad input.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { ConvergenceError, seed, randn, svd, resident, type Matrix } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import {
  isSortedNonNegative,
  MATRIX_TYPES,
  orthogonalityRatio,
  reconstructionRatio,
  testMatrix,
  valuesAgreementRatio,
  type DType,
} from "../helpers/svdChecks.js";

beforeAll(async () => {
  await loadBackend();
});

const RATIO_LIMIT = 30;

/** Shapes from empty to 300: square, tall 3:1 and 20:1, wide. */
const SHAPES: Array<[number, number]> = [
  [0, 0], [0, 4], [4, 0], [1, 1], [1, 7], [7, 1], [2, 2], [3, 3], [5, 5], [10, 10], [33, 33], [100, 100],
  [30, 10], [150, 50], [300, 100],
  [20, 1], [200, 10], [300, 15],
  [10, 30], [3, 60], [50, 150], [15, 300],
];
const LARGE_SQUARE: Array<[number, number]> = [[300, 300]];

function checkSvd(a: Matrix, dtype: DType, full: boolean): void {
  const { U, S, Vt } = svd(a, { full });
  const k = Math.min(a.rows, a.cols);
  expect(S.length).toBe(k);
  expect(U.rows).toBe(a.rows);
  expect(U.cols).toBe(full ? a.rows : k);
  expect(Vt.rows).toBe(full ? a.cols : k);
  expect(Vt.cols).toBe(a.cols);
  expect(S instanceof (dtype === "f64" ? Float64Array : Float32Array)).toBe(true);
  expect(isSortedNonNegative(S)).toBe(true);
  expect(reconstructionRatio(a, U, S, Vt, dtype)).toBeLessThan(RATIO_LIMIT);
  expect(orthogonalityRatio(U, dtype)).toBeLessThan(RATIO_LIMIT);
  expect(orthogonalityRatio(Vt, dtype, true)).toBeLessThan(RATIO_LIMIT);

  const values = svd(a, { vectors: false }).S;
  expect(valuesAgreementRatio(a, values, S, dtype)).toBeLessThan(1);
}

describe.each(["f64", "f32"] as const)("svd %s ratios", (dtype) => {
  test.each(MATRIX_TYPES)("%s matrices", (type) => {
    let seedNumber = 1;
    for (const [m, n] of SHAPES) {
      const a = testMatrix(type, m, n, dtype, seedNumber++);
      const before = a.data.slice();
      checkSvd(a, dtype, false);
      checkSvd(a, dtype, true);
      expect(a.data).toEqual(before);
    }
  });

  test.each(["graded", "gaussian", "graded near underflow"] as const)("%s 300x300", (type) => {
    for (const [m, n] of LARGE_SQUARE) checkSvd(testMatrix(type, m, n, dtype, 7), dtype, false);
  });
});

describe("svd walk-through", () => {
  const reference = JSON.parse(readFileSync(new URL("../fixtures/seed-walkthrough.json", import.meta.url), "utf8"));

  test("singular values and B A match numpy", () => {
    seed(69);
    const w = randn(10, 10);
    expect(Array.from(w.data)).toEqual(reference.W.flat());
    const { U, S, Vt } = svd(w);
    expect(S).toBeCloseArray(reference.S, { rtol: 1e-13 });

    const k = reference.k as number;
    const ba = new Float64Array(100);
    for (let i = 0; i < 10; i++) for (let l = 0; l < k; l++) for (let j = 0; j < 10; j++) ba[i * 10 + j]! += U.data[i * 10 + l]! * S[l]! * Vt.data[l * 10 + j]!;
    const expected = (reference.BA as number[][]).flat();
    const scale = Math.max(...expected.map(Math.abs));
    expect(ba).toBeCloseArray(expected, { rtol: 1e-13, atol: 1e-13 * scale });
  });

  test("vectors match numpy up to sign", () => {
    seed(69);
    const { U, Vt } = svd(randn(10, 10));
    const uRef = (reference.U as number[][]).flat();
    const vtRef = (reference.VT as number[][]).flat();
    for (let l = 0; l < 10; l++) {
      let dot = 0;
      for (let i = 0; i < 10; i++) dot += U.data[i * 10 + l]! * uRef[i * 10 + l]!;
      const sign = Math.sign(dot);
      const column = Array.from({ length: 10 }, (_, i) => sign * U.data[i * 10 + l]!);
      expect(column).toBeCloseArray(Array.from({ length: 10 }, (_, i) => uRef[i * 10 + l]!), { atol: 1e-13 });
      const row = Array.from({ length: 10 }, (_, j) => sign * Vt.data[l * 10 + j]!);
      expect(row).toBeCloseArray(vtRef.slice(l * 10, l * 10 + 10), { atol: 1e-13 });
    }
  });
});

interface MatrixFixture {
  file?: string;
  dtype: "u1" | "f4" | "f8";
  shape: [number, number];
  triplets?: Array<[number, number, number]>;
  S: number[];
}

/** Reads a fixture matrix as f64, whatever it was stored as. */
export function readFixtureMatrix(fixture: MatrixFixture): Matrix<Float64Array> {
  const [m, n] = fixture.shape;
  const data = new Float64Array(m * n);
  if (fixture.triplets !== undefined) {
    for (const [i, j, v] of fixture.triplets) data[i * n + j] = v;
  } else {
    const bytes = readFileSync(new URL(`../fixtures/svd/${fixture.file}`, import.meta.url));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const stored = fixture.dtype === "u1" ? new Uint8Array(buffer) : fixture.dtype === "f4" ? new Float32Array(buffer) : new Float64Array(buffer);
    data.set(stored);
  }
  return { rows: m, cols: n, data };
}

describe("svd on real matrices", () => {
  const fixtures = JSON.parse(readFileSync(new URL("../fixtures/svd/svd-fixtures.json", import.meta.url), "utf8"));
  const names = Object.keys(fixtures.matrices);

  test.each(names)("%s singular values match numpy", (name) => {
    const fixture = fixtures.matrices[name] as MatrixFixture;
    const a = readFixtureMatrix(fixture);
    const { S } = svd(a, { vectors: false });
    expect(S).toBeCloseArray(fixture.S, { atol: 1e-12 * fixture.S[0]! });
  });

  test("camera thin factors reconstruct the photograph", () => {
    const a = readFixtureMatrix(fixtures.matrices.camera as MatrixFixture);
    const { U, S, Vt } = svd(a);
    expect(reconstructionRatio(a, U, S, Vt, "f64")).toBeLessThan(RATIO_LIMIT);
    expect(orthogonalityRatio(U, "f64")).toBeLessThan(RATIO_LIMIT);
  });
});

describe("svd input", () => {
  test("NaN names its entry", () => {
    const a = { rows: 2, cols: 3, data: new Float64Array([1, 2, 3, 4, Number.NaN, 6]) };
    expect(() => svd(a)).toThrow(RangeError);
    expect(() => svd(a)).toThrow("NaN at row 1, column 1");
  });

  test("infinity names its entry", () => {
    const a = { rows: 2, cols: 2, data: new Float32Array([1, Number.NEGATIVE_INFINITY, 3, 4]) };
    expect(() => svd(a, { vectors: false })).toThrow("-Infinity at row 0, column 1");
  });

  test("bad options are rejected", () => {
    const a = { rows: 1, cols: 1, data: new Float64Array([2]) };
    expect(() => svd(a, { full: "yes" as unknown as boolean })).toThrow(TypeError);
    expect(() => svd({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(RangeError);
  });

  test("strided view and resident input", () => {
    const wide = { rows: 2, cols: 2, stride: 3, data: new Float64Array([3, 0, 99, 0, -2, 99]) };
    expect(Array.from(svd(wide).S)).toEqual([3, 2]);
    const r = resident({ rows: 2, cols: 2, data: new Float64Array([3, 0, 0, -2]) });
    expect(Array.from(svd(r, { vectors: false }).S)).toEqual([3, 2]);
    r.dispose();
  });

  test("ConvergenceError is exported for callers", () => {
    expect(new ConvergenceError("svd", 6, "x")).toBeInstanceOf(Error);
  });
});
