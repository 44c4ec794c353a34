// The simd and scalar builds give the same bits for the operations whose SIMD kernels perform the
// same IEEE operations in the same order as their scalar twins (the README lists them).
import { describe, expect, it } from "vitest";
import { add, matmul, qr, quantize4bit, quantizeInt8, RandomState, ready, scale, toBfloat16, toFloat16, transpose } from "../../src/index.js";
import { detectFeatures } from "../../src/runtime/probe.js";

type Outputs = Record<string, Uint8Array>;

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
}

async function outputsOf(backend: "simd" | "scalar"): Promise<Outputs> {
  await ready({ backend });
  const rng = new RandomState(3);
  const a = rng.randn(57, 43);
  const b = rng.randn(43, 61);
  const a32 = { ...a, data: Float32Array.from(a.data) };
  const b32 = { ...b, data: Float32Array.from(b.data) };
  const values = Float32Array.from(rng.randn(4099));
  return {
    "add f64": bytesOf(add(a, a).data),
    "scale f32": bytesOf(scale(a32, 0.3).data),
    "transpose f64": bytesOf(transpose(a).data),
    "matmul f64": bytesOf(matmul(a, b).data),
    "matmul f32": bytesOf(matmul(a32, b32, { alpha: 0.5 }).data),
    "qr R": bytesOf(qr(a).R.data),
    "float16": bytesOf(toFloat16(values)),
    "bfloat16": bytesOf(toBfloat16(values)),
    "int8 codes": bytesOf(quantizeInt8(a).codes),
    "nf4 codes": bytesOf(quantize4bit(values).codes),
    "fp4 codes": bytesOf(quantize4bit(values, { type: "fp4" }).codes),
  };
}

describe("simd and scalar builds", () => {
  it.runIf(detectFeatures().simd)("give bit-identical results", async () => {
    const simd = await outputsOf("simd");
    const scalar = await outputsOf("scalar");
    for (const name of Object.keys(simd)) {
      expect(simd[name], name).toEqual(scalar[name]);
    }
  });
});
