import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { loraConfig, matmul, RandomState, rankForEnergy, readLoraAdapter, readSafetensors, resident, svd, tensorAsMatrix, type LoraPair, type Matrix } from "../../src/index.js";
import { loraApply } from "../../src/lora/apply.js";
import { loraExtract, loraResize } from "../../src/lora/extract.js";
import { loraMerge, loraUnmerge } from "../../src/lora/merge.js";
import reference from "../fixtures/lora-reference.json" with { type: "json" };
import { loadBackend } from "../helpers/backend.js";

beforeAll(loadBackend);

const ADAPTERS = new URL("../fixtures/data/lora/", import.meta.url);
const SILERO = new URL("../fixtures/data/silero_vad_v5.safetensors", import.meta.url);
const EPS = { f64: 2 ** -52, f32: 2 ** -23 } as const;

async function openAdapter(folder: string) {
  const bytes = await readFile(new URL(`${folder}/adapter_model.safetensors`, ADAPTERS));
  const config = loraConfig(await readFile(new URL(`${folder}/adapter_config.json`, ADAPTERS), "utf8"));
  return readLoraAdapter(readSafetensors(bytes), config);
}

async function sileroWeight(): Promise<Matrix> {
  const file = readSafetensors(await readFile(SILERO));
  return tensorAsMatrix(file.tensor("decoder.rnn.weight_hh"));
}

function asF64(m: Matrix): Matrix<Float64Array> {
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
}

function asF32(m: Matrix): Matrix<Float32Array> {
  return { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

function maxAbs(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]!));
  return largest;
}

/** scaling * B A in float64, out x in, by plain loops. */
function explicitUpdate(A: Matrix, B: Matrix, scaling: number): Float64Array {
  const r = A.rows;
  const product = new Float64Array(B.rows * A.cols);
  for (let i = 0; i < B.rows; i++) {
    for (let p = 0; p < r; p++) {
      const bip = scaling * B.data[i * r + p]!;
      for (let j = 0; j < A.cols; j++) product[i * A.cols + j]! += bip * A.data[p * A.cols + j]!;
    }
  }
  return product;
}

function randomPair(rng: RandomState, out: number, inFeatures: number, r: number, scaling: number): { A: Matrix<Float64Array>; B: Matrix<Float64Array>; scaling: number } {
  return { A: rng.randn(r, inFeatures), B: rng.randn(out, r), scaling };
}

describe("loraMerge and loraUnmerge", () => {
  for (const dtype of ["f64", "f32"] as const) {
    it(`round trip stays within a few ulp (${dtype})`, () => {
      const rng = new RandomState(1);
      const convert = dtype === "f64" ? asF64 : asF32;
      const w = convert(rng.randn(40, 30));
      const pair = { A: convert(rng.randn(6, 30)), B: convert(rng.randn(40, 6)), scaling: 0.75 };
      const original = w.data.slice();
      const update = explicitUpdate(pair.A, pair.B, pair.scaling);
      // The merged entry carries the rounding of a sum of r products: (r + 2) eps sum |s b a| bounds it.
      const magnitudes = explicitUpdate({ ...pair.A, data: pair.A.data.map(Math.abs) }, { ...pair.B, data: pair.B.data.map(Math.abs) }, pair.scaling);
      expect(loraMerge(w, pair)).toBe(w);
      for (let i = 0; i < update.length; i++) {
        const bound = 8 * EPS[dtype] * (Math.abs(original[i]!) + magnitudes[i]!);
        expect(Math.abs(w.data[i]! - (original[i]! + update[i]!))).toBeLessThanOrEqual(bound);
      }
      loraUnmerge(w, pair);
      for (let i = 0; i < update.length; i++) {
        const bound = 4 * EPS[dtype] * Math.max(Math.abs(original[i]!), Math.abs(update[i]!));
        expect(Math.abs(w.data[i]! - original[i]!)).toBeLessThanOrEqual(bound);
      }
    });
  }

  it("writes to out and leaves the weight alone", () => {
    const rng = new RandomState(2);
    const w = rng.randn(8, 5);
    const pair = randomPair(rng, 8, 5, 2, 2);
    const before = w.data.slice();
    const out = { rows: 8, cols: 5, data: new Float64Array(40) };
    expect(loraMerge(w, pair, { out })).toBe(out);
    expect(w.data).toEqualBits(before);
    const update = explicitUpdate(pair.A, pair.B, 2);
    expect(out.data).toBeCloseArray(before.map((v, i) => v + update[i]!), { atol: 1e-14 * maxAbs(update) });
  });

  it("honours fanInFanOut and resident weights", async () => {
    const { pairs } = await openAdapter("deepbiolab__gpt2-classification-peft");
    const pair = pairs.find((p) => p.module.endsWith("h.0.attn.c_attn"))!;
    expect(pair.fanInFanOut).toBe(true);
    const rng = new RandomState(3);
    const w = asF32(rng.randn(768, 2304));
    const merged = loraMerge(w, pair, { out: { rows: 768, cols: 2304, data: new Float32Array(768 * 2304) } });
    const update = explicitUpdate(pair.A, pair.B, pair.scaling);
    let worst = 0;
    for (let i = 0; i < 2304; i++) {
      for (let j = 0; j < 768; j++) {
        worst = Math.max(worst, Math.abs(merged.data[j * 2304 + i]! - w.data[j * 2304 + i]! - update[i * 768 + j]!));
      }
    }
    expect(worst).toBeLessThan(8 * EPS.f32 * maxAbs(w.data));

    const held = resident(w);
    loraMerge(held, pair);
    expect(held.toMatrix().data).toEqualBits(merged.data);
    const copyOut = loraUnmerge(held, pair, { out: { rows: 768, cols: 2304, data: new Float32Array(768 * 2304) } });
    expect(held.toMatrix().data).toEqualBits(merged.data);
    expect(copyOut.data).toBeCloseArray(w.data, { atol: 8 * EPS.f32 * maxAbs(w.data) });
    held.dispose();
  });
});

describe("loraApply", () => {
  for (const dtype of ["f64", "f32"] as const) {
    it(`equals the merged product (${dtype})`, () => {
      for (const batch of [7, 1]) {
        const rng = new RandomState(4);
        const convert = dtype === "f64" ? asF64 : asF32;
        const [inFeatures, out, r] = [65, 33, 8];
        const x = convert(rng.randn(batch, inFeatures));
        const w = convert(rng.randn(out, inFeatures));
        const pair = { A: convert(rng.randn(r, inFeatures)), B: convert(rng.randn(out, r)), scaling: 1.5 };
        const y = loraApply(x, w, pair);
        const merged = loraMerge(w, pair, { out: convert({ rows: out, cols: inFeatures, data: new Float64Array(out * inFeatures) }) });
        const expected = matmul(x, merged, { transB: true });
        const scale = maxAbs(x.data) * (maxAbs(w.data) + 1.5 * r * maxAbs(pair.A.data) * maxAbs(pair.B.data));
        expect(y.data).toBeInstanceOf(dtype === "f64" ? Float64Array : Float32Array);
        expect(y.data).toBeCloseArray(expected.data, { atol: 4 * EPS[dtype] * (inFeatures + r) * scale });
      }
    });
  }

  it("applies a trained fanInFanOut adapter", async () => {
    const { pairs } = await openAdapter("deepbiolab__gpt2-classification-peft");
    const pair = pairs.find((p) => p.module.endsWith("h.0.mlp.c_proj"))!;
    const rng = new RandomState(5);
    const w = asF32(rng.randn(3072, 768));
    const x = asF32(rng.randn(4, 3072));
    const merged = loraMerge(w, pair, { out: { rows: 3072, cols: 768, data: new Float32Array(3072 * 768) } });
    const expected = matmul(x, merged);
    const heldW = resident(w);
    const heldA = resident(pair.A);
    const heldB = resident(pair.B);
    const y = loraApply(x, heldW, { A: heldA, B: heldB, scaling: pair.scaling, fanInFanOut: true });
    expect(y.data).toBeCloseArray(expected.data, { atol: 4 * EPS.f32 * 3072 * maxAbs(x.data) * maxAbs(merged.data) });
    const single = loraApply({ rows: 1, cols: 3072, data: x.data.subarray(0, 3072) }, heldW, { A: heldA, B: heldB, scaling: pair.scaling, fanInFanOut: true });
    expect(single.data).toBeCloseArray(expected.data.subarray(0, 768), { atol: 4 * EPS.f32 * 3072 * maxAbs(x.data) * maxAbs(merged.data) });
    const out = { rows: 4, cols: 768, data: new Float32Array(4 * 768) };
    expect(loraApply(x, w, pair, { out })).toBe(out);
    expect(out.data).toEqualBits(y.data as Float32Array);
    heldW.dispose();
    heldA.dispose();
    heldB.dispose();
  });
});

describe("loraExtract", () => {
  it("recovers a planted rank-8 change of the Silero weight", async () => {
    const base = asF64(await sileroWeight());
    const rng = new RandomState(6);
    const planted = explicitUpdate(rng.randn(8, 128), rng.randn(512, 8), 0.01);
    const tuned = { rows: 512, cols: 128, data: base.data.map((v, i) => v + planted[i]!) };
    const adapter = loraExtract(base, tuned, 8, { alpha: 16 });
    expect([adapter.A.rows, adapter.A.cols, adapter.B.rows, adapter.B.cols]).toEqual([8, 128, 512, 8]);
    expect(adapter.scaling).toBe(2);
    const recovered = explicitUpdate(adapter.A, adapter.B, adapter.scaling);
    expect(recovered).toBeCloseArray(planted, { atol: 64 * EPS.f64 * maxAbs(base.data) });
    expect(1 - adapter.energyKept).toBeLessThan(1e-24);
    expect(adapter.relativeError).toBeLessThan(1e-12);
    // Rank 4 keeps exactly the energy of the four largest singular values.
    const smaller = loraExtract(base, tuned, 4);
    const S = adapter.S;
    const kept = (S[0]! ** 2 + S[1]! ** 2 + S[2]! ** 2 + S[3]! ** 2) / S.reduce((sum, s) => sum + s * s, 0);
    expect(smaller.energyKept).toBeCloseTo(kept, 14);
    expect(smaller.scaling).toBe(1);
  });

  it("recovers the change in f32 and with fanInFanOut", async () => {
    const base = await sileroWeight();
    const rng = new RandomState(7);
    const planted = explicitUpdate(rng.randn(8, 512), rng.randn(128, 8), 0.01);
    // Stored in x out (512 x 128): the planted update (128 x 512) is added transposed.
    const tuned = { rows: 512, cols: 128, data: new Float32Array(512 * 128) };
    for (let i = 0; i < 512; i++) for (let j = 0; j < 128; j++) tuned.data[i * 128 + j] = base.data[i * 128 + j]! + planted[j * 512 + i]!;
    const adapter = loraExtract(base, tuned, 8, { fanInFanOut: true, method: "randomized" });
    expect([adapter.A.rows, adapter.A.cols, adapter.B.rows, adapter.B.cols]).toEqual([8, 512, 128, 8]);
    expect(adapter.A.data).toBeInstanceOf(Float32Array);
    expect(explicitUpdate(adapter.A, adapter.B, adapter.scaling)).toBeCloseArray(planted, { atol: 64 * EPS.f32 * maxAbs(base.data) });
  });

  it("rejects bad ranks and shapes", () => {
    const rng = new RandomState(8);
    const a = rng.randn(6, 4);
    const b = rng.randn(6, 4);
    expect(() => loraExtract(a, b, 5)).toThrow(/loraExtract: r must be an integer from 1 to 4 \(at most min\(rows, cols\) of 6x4 weights\), received 5/);
    expect(() => loraExtract(a, b, 0)).toThrow(RangeError);
    expect(() => loraExtract(a, rng.randn(4, 6), 2)).toThrow(/tuned must have the shape of base \(6x4\), received 4x6/);
    expect(() => loraExtract(a, asF32(b), 2)).toThrow(TypeError);
    expect(() => loraExtract(a, b, 2, { alpha: 0 })).toThrow(/options\.alpha must be a positive finite number, received 0/);
    expect(() => loraExtract(a, { ...b, data: b.data.map((v, i) => (i === 5 ? NaN : v)) }, 2)).toThrow(/tuned - base must contain only finite numbers, received NaN at row 1, column 1/);
  });
});

describe("loraResize", () => {
  it("equals truncating the explicit product", () => {
    const rng = new RandomState(9);
    const pair = randomPair(rng, 50, 70, 12, 0.5);
    const product = explicitUpdate(pair.A, pair.B, pair.scaling);
    const full = svd({ rows: 50, cols: 70, data: product });
    for (const k of [1, 5, 12]) {
      const resized = loraResize(pair, k, { alpha: 2 * k });
      expect(resized.scaling).toBe(2);
      const truncated = new Float64Array(50 * 70);
      for (let i = 0; i < 50; i++) for (let j = 0; j < 70; j++) for (let p = 0; p < k; p++) truncated[i * 70 + j]! += full.U.data[i * 50 + p]! * full.S[p]! * full.Vt.data[p * 70 + j]!;
      expect(explicitUpdate(resized.A, resized.B, resized.scaling)).toBeCloseArray(truncated, { atol: 1e-13 * full.S[0]! });
      expect(resized.S).toBeCloseArray(full.S.slice(0, 12), { atol: 1e-13 * full.S[0]! });
    }
  });

  it("keeps the element type and fanInFanOut", async () => {
    const { pairs } = await openAdapter("deepbiolab__gpt2-classification-peft");
    const heldA = resident(pairs[0]!.A);
    const resized = loraResize({ ...pairs[0]!, A: heldA }, 4);
    heldA.dispose();
    expect(resized.A.data).toBeInstanceOf(Float32Array);
    expect(resized.S).toEqual(loraResize(pairs[0]!, 4).S);
    expect(resized.fanInFanOut).toBe(true);
    expect([resized.A.rows, resized.B.cols]).toEqual([4, 4]);
  });

  it("rejects bad ranks, shapes and element types", () => {
    const rng = new RandomState(10);
    const pair = randomPair(rng, 10, 9, 4, 1);
    expect(() => loraResize(pair, 5)).toThrow(/loraResize: newRank must be an integer from 1 to 4 \(at most min\(r, out, in\)/);
    expect(() => loraResize(pair, 0)).toThrow(RangeError);
    expect(() => loraResize({ A: pair.A, B: rng.randn(10, 3) }, 2)).toThrow(/adapter\.B must have 4 columns, the rank of adapter\.A \(4x9/);
    expect(() => loraResize({ A: pair.A, B: asF32(pair.B) }, 2)).toThrow(/adapter\.B must have the element type of adapter\.A \(Float64Array\), received Float32Array/);
    expect(() => loraResize({ ...pair, scaling: Infinity }, 2)).toThrow(/adapter\.scaling must be finite, received Infinity/);
  });
});

describe("trained adapters", () => {
  for (const [folder, expected] of Object.entries(reference.adapters)) {
    it(`spectrum, energy ranks and resize error of ${folder.split("__")[0]}`, async () => {
      const adapter = await openAdapter(folder);
      for (const pair of adapter.pairs as LoraPair[]) {
        const wanted = expected.pairs[pair.module as keyof typeof expected.pairs] as {
          S: number[]; energyKept: number[]; rank90: number; rank99: number; resizeRank: number; resizeErrorFro: number; resizeRelativeError: number;
        };
        const whole = loraResize(pair, pair.rank);
        expect(whole.S).toBeCloseArray(wanted.S, { atol: 1e-12 * wanted.S[0]! });
        expect(whole.energyKept).toBeCloseArray(wanted.energyKept, { atol: 1e-12 });
        expect(rankForEnergy(whole.S, 0.9)).toBe(wanted.rank90);
        expect(rankForEnergy(whole.S, 0.99)).toBe(wanted.rank99);
        const half = loraResize(pair, wanted.resizeRank);
        expect(Math.abs(half.errorFro - wanted.resizeErrorFro)).toBeLessThanOrEqual(1e-12 * wanted.S[0]!);
        expect(Math.abs(half.relativeError - wanted.resizeRelativeError)).toBeLessThanOrEqual(1e-12);
      }
    });
  }
});

describe("LoRA argument checks", () => {
  it("rejects weights, batches and outputs that do not fit", () => {
    const rng = new RandomState(11);
    const pair = randomPair(rng, 6, 5, 2, 1);
    const w = rng.randn(6, 5);
    const x = rng.randn(3, 5);
    expect(() => loraApply(x, rng.randn(5, 6), pair)).toThrow(/loraApply: weight must be 6x5 \(out x in\) to fit the adapter \(A 2x5, B 6x2\), received 5x6/);
    expect(() => loraApply(x, rng.randn(6, 5), { ...pair, fanInFanOut: true })).toThrow(/weight must be 5x6 \(in x out, as fanInFanOut stores it\)/);
    expect(() => loraApply(rng.randn(3, 4), w, pair)).toThrow(/loraApply: x must have 5 columns, the input features of the adapter/);
    expect(() => loraApply(asF32(x), w, pair)).toThrow(/x must have the element type of adapter\.A \(Float64Array\), received Float32Array/);
    expect(() => loraApply(x, asF32(w), pair)).toThrow(TypeError);
    expect(() => loraApply(x, w, pair, { out: rng.randn(3, 5) })).toThrow(/options\.out must be 3x6/);
    const shared = new Float64Array(30);
    const view = { rows: 3, cols: 5, data: shared.subarray(0, 15) };
    expect(() => loraApply(view, w, pair, { out: { rows: 3, cols: 6, data: shared.subarray(10, 28) } })).toThrow(/options\.out must not share memory with x \(3x5\)/);
    expect(() => loraMerge(w, { A: pair.A, B: rng.randn(6, 3) })).toThrow(RangeError);
    expect(() => loraMerge(w, { ...pair, fanInFanOut: "yes" as unknown as boolean })).toThrow(/adapter\.fanInFanOut must be a boolean/);
    expect(() => loraMerge(w, null as unknown as typeof pair)).toThrow(/loraMerge: adapter must be LoRA factors/);
    expect(() => loraUnmerge(w, { A: { rows: 0, cols: 5, data: new Float64Array(0) }, B: { rows: 6, cols: 0, data: new Float64Array(0) } })).toThrow(/adapter\.A must have at least one row/);
  });
});
