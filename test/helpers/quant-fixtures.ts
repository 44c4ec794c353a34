// Reads the number-format fixtures that scripts/fixtures/make_quant_fixtures.py writes, and runs the
// checks against them that the wasm builds and the pure-JavaScript baseline must both pass.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FourBitQuantized, Int8Quantized, Matrix } from "../../src/index.js";

const FOLDER = new URL("../fixtures/quant/", import.meta.url);

/** A binary file entry of the manifest. */
export interface FileEntry {
  file: string;
  dtype: string;
  length: number;
}

interface Int8Case {
  name: string;
  input: FileEntry;
  rows: number;
  cols: number;
  options: { granularity: "tensor" | "row" | "block"; scheme: "absmax" | "affine"; blockSize?: number };
  codes: FileEntry;
  scales: FileEntry;
  zeroPoints?: FileEntry;
  dequantizedSha256: string;
}

interface FourBitCase {
  name: string;
  input: FileEntry;
  rows: number;
  cols: number;
  options: { type: "nf4" | "fp4"; blockSize: number; doubleQuant: boolean };
  codes: FileEntry;
  absmax?: FileEntry;
  absmaxCodes?: FileEntry;
  absmaxScales?: FileEntry;
  absmaxMean?: number;
  dequantizedSha256: string;
}

interface Manifest {
  float16: {
    fromFloat32: { input: FileEntry; expected: FileEntry };
    toFloat32: FileEntry;
    fromFloat64: { input: FileEntry; expected: FileEntry };
    random: { count: number; sha256: string; chunkLength: number; chunkSha256: string[]; firstPatterns: number[] };
  };
  bfloat16: { fromFloat32: { input: FileEntry; expected: FileEntry }; fromFloat64: { input: FileEntry; expected: FileEntry } };
  int8: Int8Case[];
  fourbit: FourBitCase[];
}

export const manifest: Manifest = JSON.parse(readFileSync(new URL("manifest.json", FOLDER), "utf8"));

const TYPES: Record<string, { new (buffer: ArrayBuffer): ArrayBufferView }> = {
  float64: Float64Array,
  float32: Float32Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
};

/** Loads a binary fixture as the typed array its dtype names. */
export function load<T extends ArrayBufferView>(entry: FileEntry): T {
  const bytes = readFileSync(new URL(entry.file, FOLDER));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const Type = TYPES[entry.dtype];
  if (Type === undefined) throw new Error(`unknown fixture dtype ${entry.dtype}`);
  return new Type(copy.buffer) as T;
}

/** SHA-256 of a typed array's bytes, in hex. */
export function sha256(view: ArrayBufferView): string {
  return createHash("sha256").update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)).digest("hex");
}

/** Index of the first element where two integer arrays differ, or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Expects two integer arrays (bit patterns, codes) to be equal, reporting the first difference. */
export function expectSameIntegers(received: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const index = firstDifference(received, expected);
  const message = index < 0 ? "" : `${what}: index ${index} of ${expected.length}: received ${received[index]?.toString(16)}, expected ${expected[index]?.toString(16)}`;
  expect(message).toBe("");
}

/** Bit patterns of a float array, as unsigned integers. */
export function bitsOf(values: Float32Array | Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.byteLength / 4);
}

/** The pseudo-random f32 bit patterns of the float16 fixture: a 32-bit counter hash of 0, 1, 2, ... */
export function hashedPatterns(start: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = (start + i) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    out[i] = h >>> 0;
  }
  return out;
}

/** The functions under test: the package root's or the baseline's. */
export interface QuantFunctions {
  toFloat16(x: Float32Array | Float64Array | Matrix): Uint16Array;
  fromFloat16(bits: Uint16Array, options?: { dtype?: "f32" | "f64" }): Float32Array | Float64Array;
  toBfloat16(x: Float32Array | Float64Array | Matrix): Uint16Array;
  fromBfloat16(bits: Uint16Array, options?: { dtype?: "f32" | "f64" }): Float32Array | Float64Array;
  quantizeInt8(x: Float32Array | Float64Array | Matrix, options?: object): Int8Quantized;
  dequantizeInt8(q: Int8Quantized, options?: { dtype?: "f32" | "f64" }): Float32Array | Float64Array;
  quantize4bit(x: Float32Array | Float64Array | Matrix, options?: object): FourBitQuantized;
  dequantize4bit(q: FourBitQuantized): Float32Array | Float64Array;
}

function inputMatrix(entry: FileEntry, rows: number, cols: number): Matrix {
  return { rows, cols, data: load<Float32Array | Float64Array>(entry) };
}

/** Registers the fixture checks for one implementation. */
export function describeFixtures(label: string, functions: () => QuantFunctions): void {
  describe(`${label}: float16 fixtures`, () => {
    it("matches numpy on float32 boundary cases", () => {
      const { input, expected } = manifest.float16.fromFloat32;
      const values = new Float32Array(load<Uint32Array>(input).buffer);
      expectSameIntegers(functions().toFloat16(values), load<Uint16Array>(expected), "f32 -> f16");
    });

    it("matches numpy on float64 cases without double rounding", () => {
      const { input, expected } = manifest.float16.fromFloat64;
      expectSameIntegers(functions().toFloat16(load<Float64Array>(input)), load<Uint16Array>(expected), "f64 -> f16");
    });

    it("widens all 65,536 halves as numpy does", () => {
      const every = new Uint16Array(65536).map((_, i) => i);
      const widened = functions().fromFloat16(every) as Float32Array;
      expectSameIntegers(bitsOf(widened), load<Uint32Array>(manifest.float16.toFloat32), "f16 -> f32");
    });

    it("matches numpy on 16M hashed bit patterns", () => {
      const { count, sha256: whole, chunkLength, chunkSha256, firstPatterns } = manifest.float16.random;
      expect(Array.from(hashedPatterns(0, 4))).toEqual(firstPatterns);
      const digests: string[] = [];
      for (let start = 0; start < count; start += chunkLength) {
        const patterns = hashedPatterns(start, chunkLength);
        digests.push(sha256(functions().toFloat16(new Float32Array(patterns.buffer))));
      }
      const wrong = digests.findIndex((digest, chunk) => digest !== chunkSha256[chunk]);
      expect(wrong, `first chunk of ${chunkLength} values that differs from numpy`).toBe(-1);
      expect(whole).toHaveLength(64);
    });
  });

  describe(`${label}: bfloat16 fixtures`, () => {
    it("matches the float32 rounding rule", () => {
      const { input, expected } = manifest.bfloat16.fromFloat32;
      const values = new Float32Array(load<Uint32Array>(input).buffer);
      expectSameIntegers(functions().toBfloat16(values), load<Uint16Array>(expected), "f32 -> bf16");
    });

    it("matches the exact nearest values from float64", () => {
      const { input, expected } = manifest.bfloat16.fromFloat64;
      expectSameIntegers(functions().toBfloat16(load<Float64Array>(input)), load<Uint16Array>(expected), "f64 -> bf16");
    });
  });

  describe(`${label}: int8 and uint8 fixtures`, () => {
    for (const fixture of manifest.int8) {
      it(`matches numpy on ${fixture.name}`, () => {
        const x = inputMatrix(fixture.input, fixture.rows, fixture.cols);
        const q = functions().quantizeInt8(x, fixture.options);
        expect(q.format).toBe(fixture.options.scheme === "affine" ? "uint8" : "int8");
        expectSameIntegers(q.codes, load<Int8Array>(fixture.codes), "codes");
        expectSameIntegers(bitsOf(q.scales), bitsOf(load<Float32Array>(fixture.scales)), "scales");
        if (fixture.zeroPoints !== undefined && q.format === "uint8") expectSameIntegers(q.zeroPoints, load<Uint8Array>(fixture.zeroPoints), "zero points");
        expect(sha256(functions().dequantizeInt8(q))).toBe(fixture.dequantizedSha256);
      });
    }
  });

  describe(`${label}: NF4 and FP4 fixtures`, () => {
    for (const fixture of manifest.fourbit) {
      it(`matches numpy on ${fixture.name}`, () => {
        const x = inputMatrix(fixture.input, fixture.rows, fixture.cols);
        const q = functions().quantize4bit(x, fixture.options);
        expectSameIntegers(q.codes, load<Uint8Array>(fixture.codes), "packed codes");
        if (fixture.absmax !== undefined) {
          expectSameIntegers(bitsOf(q.absmax!), bitsOf(load<Float32Array>(fixture.absmax)), "absmax");
        } else {
          const dq = q.quantizedAbsmax!;
          expectSameIntegers(dq.codes, load<Int8Array>(fixture.absmaxCodes!), "absmax codes");
          expectSameIntegers(bitsOf(dq.scales), bitsOf(load<Float32Array>(fixture.absmaxScales!)), "absmax scales");
          expect(dq.mean).toBe(fixture.absmaxMean);
        }
        expect(sha256(functions().dequantize4bit(q))).toBe(fixture.dequantizedSha256);
      });
    }
  });
}
