import { describe, expect, it } from "vitest";
import * as baseline from "../../src/baseline/index.js";
import { RandomState, type Matrix } from "../../src/index.js";

const EPS = { f64: 2 ** -52, f32: 2 ** -23 } as const;

function f32(m: Matrix): Matrix<Float32Array> {
  return { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

/** X W^T + s (X A^T) B^T (or X W + ... with W stored in x out) in float64 by plain loops. */
function expectedApply(x: Matrix, w: ArrayLike<number>, A: Matrix, B: Matrix, s: number, fanInFanOut = false): Float64Array {
  const [batch, n, out, r] = [x.rows, x.cols, B.rows, A.rows];
  const y = new Float64Array(batch * out);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < out; o++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x.data[b * n + i]! * w[fanInFanOut ? i * out + o : o * n + i]!;
      for (let p = 0; p < r; p++) {
        let t = 0;
        for (let i = 0; i < n; i++) t += x.data[b * n + i]! * A.data[p * n + i]!;
        sum += s * t * B.data[o * r + p]!;
      }
      y[b * out + o] = sum;
    }
  }
  return y;
}

describe("baseline LoRA", () => {
  it("loraApply matches the plain formula", () => {
    const rng = new RandomState(1);
    const x = rng.randn(3, 9);
    const pair = { A: rng.randn(2, 9), B: rng.randn(5, 2), scaling: 1.5 };
    const w = rng.randn(5, 9);
    expect(baseline.loraApply(x, w, pair).data).toBeCloseArray(expectedApply(x, w.data, pair.A, pair.B, 1.5), { atol: 1e-13 });
    const wt = rng.randn(9, 5);
    const y = baseline.loraApply(x, wt, { ...pair, fanInFanOut: true });
    expect(y.data).toBeCloseArray(expectedApply(x, wt.data, pair.A, pair.B, 1.5, true), { atol: 1e-13 });
  });

  it("merge then unmerge restores the weight", () => {
    const rng = new RandomState(2);
    const w = f32(rng.randn(7, 6));
    const pair = { A: f32(rng.randn(3, 6)), B: f32(rng.randn(7, 3)), scaling: 2 };
    const original = w.data.slice();
    const merged = baseline.loraMerge(w, pair, { out: f32({ rows: 7, cols: 6, data: new Float64Array(42) }) });
    expect(w.data).toEqualBits(original);
    baseline.loraMerge(w, pair);
    expect(w.data).toEqualBits(merged.data as Float32Array);
    baseline.loraUnmerge(w, pair);
    expect(w.data).toBeCloseArray(original, { atol: 16 * EPS.f32 * 10 });
  });

  it("qloraApply equals dequantize-then-multiply", () => {
    const rng = new RandomState(3);
    const w = f32(rng.randn(12, 70));
    const x = f32(rng.randn(2, 70));
    const pair = { A: f32(rng.randn(4, 70)), B: f32(rng.randn(12, 4)), scaling: 0.5 };
    const q = baseline.quantize4bit(w, { blockSize: 32, doubleQuant: true });
    const expected = expectedApply(x, baseline.dequantize4bit(q), pair.A, pair.B, 0.5);
    const y = baseline.qloraApply(x, q, pair);
    expect(y.data).toBeCloseArray(expected, { atol: 1e-4 });
    const single = baseline.qloraApply(x.data.slice(0, 70), q, pair);
    expect(single).toBeCloseArray(y.data.subarray(0, 12), { atol: 1e-5 });
  });

  it("throws the wasm functions' errors", () => {
    const rng = new RandomState(4);
    const pair = { A: rng.randn(2, 5), B: rng.randn(6, 2) };
    expect(() => baseline.loraApply(rng.randn(3, 5), rng.randn(5, 6), pair)).toThrow(/loraApply: weight must be 6x5 \(out x in\)/);
    expect(() => baseline.loraMerge(rng.randn(6, 5), { A: pair.A, B: f32(pair.B) })).toThrow(TypeError);
  });
});
