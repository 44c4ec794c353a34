import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { dequantize4bit, quantize4bit, RandomState, readSafetensors, resident, tensorAsMatrix, type Matrix } from "../../src/index.js";
import { qloraApply, residentQuantized } from "../../src/lora/qlora.js";
import { loadBackend } from "../helpers/backend.js";

beforeAll(loadBackend);

const SILERO = new URL("../fixtures/data/silero_vad_v5.safetensors", import.meta.url);
const EPS32 = 2 ** -23;

function f32(m: Matrix): Matrix<Float32Array> {
  return { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

/**
 * Y = X W^T + s (X A^T) B^T in float64 from float32 inputs, and the matching sums of magnitudes
 * |X| |W|^T + |s| (|X| |A|^T) |B|^T that bound the float32 rounding of any order of summation.
 */
function reference(x: Matrix, w: Float32Array, A: Matrix, B: Matrix, s: number): { y: Float64Array; magnitude: Float64Array } {
  const [batch, n, out, r] = [x.rows, x.cols, B.rows, A.rows];
  const y = new Float64Array(batch * out);
  const magnitude = new Float64Array(batch * out);
  for (let b = 0; b < batch; b++) {
    const t = new Float64Array(r);
    const tAbs = new Float64Array(r);
    for (let p = 0; p < r; p++) {
      for (let i = 0; i < n; i++) {
        t[p]! += x.data[b * n + i]! * A.data[p * n + i]!;
        tAbs[p]! += Math.abs(x.data[b * n + i]! * A.data[p * n + i]!);
      }
    }
    for (let o = 0; o < out; o++) {
      let sum = 0;
      let sumAbs = 0;
      for (let i = 0; i < n; i++) {
        sum += x.data[b * n + i]! * w[o * n + i]!;
        sumAbs += Math.abs(x.data[b * n + i]! * w[o * n + i]!);
      }
      for (let p = 0; p < r; p++) {
        sum += s * t[p]! * B.data[o * r + p]!;
        sumAbs += Math.abs(s) * tAbs[p]! * Math.abs(B.data[o * r + p]!);
      }
      y[b * out + o] = sum;
      magnitude[b * out + o] = sumAbs;
    }
  }
  return { y, magnitude };
}

function expectWithinRounding(actual: ArrayLike<number>, expected: { y: Float64Array; magnitude: Float64Array }, terms: number): void {
  expect(actual.length).toBe(expected.y.length);
  for (let i = 0; i < actual.length; i++) {
    const bound = 2 * terms * EPS32 * expected.magnitude[i]! + 1e-30;
    if (!(Math.abs(actual[i]! - expected.y[i]!) <= bound)) {
      expect.fail(`index ${i}: received ${actual[i]}, expected ${expected.y[i]}, bound ${bound}`);
    }
  }
}

describe("qloraApply", () => {
  const shapes = [
    { label: "NF4, blocks of 64", out: 40, n: 256, r: 8, batch: 3, options: { type: "nf4" as const } },
    { label: "odd in, blocks of 50", out: 17, n: 101, r: 4, batch: 2, options: { type: "nf4" as const, blockSize: 50 } },
    { label: "FP4, double quantization", out: 24, n: 96, r: 16, batch: 5, options: { type: "fp4" as const, doubleQuant: true } },
    { label: "short rows", out: 9, n: 7, r: 2, batch: 1, options: { blockSize: 3 } },
  ];
  for (const { label, out, n, r, batch, options } of shapes) {
    it(`equals dequantize-then-multiply: ${label}`, () => {
      const rng = new RandomState(out * n);
      const w = f32(rng.randn(out, n));
      const x = f32(rng.randn(batch, n));
      const pair = { A: f32(rng.randn(r, n)), B: f32(rng.randn(out, r)), scaling: 0.5 };
      const q = quantize4bit(w, options);
      const expected = reference(x, dequantize4bit(q), pair.A, pair.B, pair.scaling);
      const y = qloraApply(x, q, pair);
      expect([y.rows, y.cols]).toEqual([batch, out]);
      expectWithinRounding(y.data, expected, n + r);
    });
  }

  it("runs on the Silero weight, resident, one sample at a time", async () => {
    const file = readSafetensors(await readFile(SILERO));
    const w = tensorAsMatrix(file.tensor("decoder.rnn.weight_hh")) as Matrix<Float32Array>;
    const rng = new RandomState(21);
    const pair = { A: f32(rng.randn(8, 128)), B: f32(rng.randn(512, 8)), scaling: 2 };
    const q = quantize4bit(w, { type: "nf4", blockSize: 64, doubleQuant: true });
    const held = residentQuantized(q);
    expect(held.byteLength).toBe(512 * 128 / 2 + (512 * 128 / 64) * 4);
    const heldA = resident(pair.A);
    const heldB = resident(pair.B);
    const dequantized = dequantize4bit(q);
    for (let sample = 0; sample < 3; sample++) {
      const x = Float32Array.from(rng.randn(128));
      const y = qloraApply(x, held, { A: heldA, B: heldB, scaling: 2 });
      expect(y).toBeInstanceOf(Float32Array);
      expectWithinRounding(y, reference({ rows: 1, cols: 128, data: x }, dequantized, pair.A, pair.B, 2), 128 + 8);
      expect(qloraApply(x, q, pair)).toBeCloseArray(y, { rtol: 1e-6, atol: 1e-6 });
    }
    const out = new Float32Array(512);
    const x = Float32Array.from(rng.randn(128));
    expect(qloraApply(x, held, pair, { out })).toBe(out);
    held.dispose();
    heldA.dispose();
    heldB.dispose();
    expect(() => qloraApply(x, held, pair)).toThrow(/qloraApply: this resident 4-bit weight was disposed/);
  });

  it("rejects what does not fit", () => {
    const rng = new RandomState(22);
    const w = f32(rng.randn(6, 5));
    const q = quantize4bit(w);
    const pair = { A: f32(rng.randn(2, 5)), B: f32(rng.randn(6, 2)), scaling: 1 };
    const x = f32(rng.randn(3, 5));
    expect(() => qloraApply(x, quantize4bit(f32(rng.randn(5, 6))), pair)).toThrow(/qloraApply: weight must be 6x5 \(out x in\) to fit the adapter \(A 2x5, B 6x2\), received 5x6/);
    expect(() => qloraApply(f32(rng.randn(3, 4)), q, pair)).toThrow(/x must have 5 columns/);
    expect(() => qloraApply(rng.randn(3, 5), q, pair)).toThrow(/x must be float32/);
    expect(() => qloraApply(x, q, { A: rng.randn(2, 5), B: rng.randn(6, 2) })).toThrow(/adapter\.A must be float32/);
    expect(() => qloraApply(x, q, { ...pair, B: rng.randn(6, 2) })).toThrow(/adapter\.B must have the element type of adapter\.A/);
    expect(() => qloraApply(x, q, { ...pair, fanInFanOut: true })).toThrow(/adapter\.fanInFanOut must be false/);
    expect(() => qloraApply(x, { ...q, codes: new Uint8Array(3) }, pair)).toThrow(RangeError);
    expect(() => qloraApply(x, w as never, pair)).toThrow(TypeError);
    expect(() => qloraApply(new Float64Array(5) as never, q, pair)).toThrow(/x must be a float32 matrix or a Float32Array/);
    expect(() => qloraApply(new Float32Array(5), q, pair, { out: new Float32Array(5) })).toThrow(/options\.out must hold 6 elements/);
  });
});
