// Number formats at 1M values (16M too in full runs): float32 <-> float16, int8 per-row and NF4
// quantize / dequantize. Each wasm build (copies in and out included) against the pure-JS baseline,
// @petamoriken/float16's bulk paths and numpy (astype, and vectorised versions of the same rules),
// numpy timed by bench/numpy/quant.py in the same run. JavaScript results go into arrays allocated once
// (`options.out`): a fresh 4 MB array costs more than the kernel, because the engine zeroes it.
// Without python3 and numpy the numpy rows are left out with a note.
import { Float16Array as PolyfillFloat16Array } from "@petamoriken/float16";
import * as baseline from "../../src/baseline/index.js";
import { dequantize4bit, dequantizeInt8, fromFloat16, quantize4bit, quantizeInt8, RandomState, toFloat16 } from "../../src/index.js";
import type { BenchCase, Implementation } from "../harness.js";
import { wasmImplementations } from "./builds.js";
import type { Suite } from "./index.js";

/** The numpy counterpart of a case, timed by bench/numpy/quant.py (see bench/numpy.ts). */
function numpyCase(operation: string, n: number): NonNullable<BenchCase["numpy"]> {
  return { script: "quant.py", params: { operation, n } };
}

export const quantSuite: Suite = {
  name: "quant",
  async cases({ quick }) {
    const sizes = quick ? [1 << 20] : [1 << 20, 1 << 24];
    const rng = new RandomState(1);
    const cases: BenchCase[] = [];
    for (const n of sizes) {
      const label = n === 1 << 20 ? "1M" : "16M";
      const x = Float32Array.from(rng.randn(n));
      const bits = new Uint16Array(n);
      const widened = new Float32Array(n);
      const polyfill = new PolyfillFloat16Array(n);
      polyfill.set(x);
      cases.push({
        suite: "quant",
        operation: "f32 -> f16",
        size: label,
        values: n,
        implementations: [
          { name: "baseline", run: () => baseline.toFloat16(x, { out: bits }) },
          { name: "@petamoriken/float16", run: () => (polyfill.set(x), polyfill) },
          ...wasmImplementations(() => toFloat16(x, { out: bits })),
        ],
        numpy: numpyCase("f32_to_f16", n),
      });

      const halves = baseline.toFloat16(x);
      const decoders: Implementation[] = [
        { name: "baseline", run: () => baseline.fromFloat16(halves, { out: widened }) },
        ...wasmImplementations(() => fromFloat16(halves, { out: widened })),
      ];
      // The polyfill decodes about 100 times slower: too slow to time at 16M.
      if (n === 1 << 20) decoders.splice(1, 0, { name: "@petamoriken/float16", run: () => new Float32Array(polyfill) });
      cases.push({ suite: "quant", operation: "f16 -> f32", size: label, values: n, implementations: decoders, numpy: numpyCase("f16_to_f32", n) });

      const side = Math.round(Math.sqrt(n));
      const w = { rows: side, cols: side, data: x.subarray(0, side * side) };
      const q8 = baseline.quantizeInt8(w);
      cases.push({
        suite: "quant",
        operation: "int8 quantize (per row)",
        size: label,
        values: side * side,
        implementations: [{ name: "baseline", run: () => baseline.quantizeInt8(w).scales }, ...wasmImplementations(() => quantizeInt8(w).scales)],
        numpy: numpyCase("int8_quantize", n),
      });
      cases.push({
        suite: "quant",
        operation: "int8 dequantize (per row)",
        size: label,
        values: side * side,
        implementations: [{ name: "baseline", run: () => baseline.dequantizeInt8(q8, { out: widened }) }, ...wasmImplementations(() => dequantizeInt8(q8, { out: widened }))],
        numpy: numpyCase("int8_dequantize", n),
      });

      const q4 = baseline.quantize4bit(x);
      cases.push({
        suite: "quant",
        operation: "nf4 quantize (block 64)",
        size: label,
        values: n,
        implementations: [{ name: "baseline", run: () => baseline.quantize4bit(x).absmax }, ...wasmImplementations(() => quantize4bit(x).absmax)],
        numpy: numpyCase("nf4_quantize", n),
      });
      cases.push({
        suite: "quant",
        operation: "nf4 dequantize (block 64)",
        size: label,
        values: n,
        implementations: [{ name: "baseline", run: () => baseline.dequantize4bit(q4, { out: widened }) }, ...wasmImplementations(() => dequantize4bit(q4, { out: widened }))],
        numpy: numpyCase("nf4_dequantize", n),
      });
    }
    return cases;
  },
};
