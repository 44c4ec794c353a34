// Number formats at 1M values (16M too in full runs): float32 <-> float16, int8 per-row and NF4
// quantize / dequantize. Each wasm build (copies in and out included) against the pure-JS baseline,
// @petamoriken/float16's bulk paths and numpy (astype, and vectorised versions of the same rules),
// numpy timed in a Python subprocess in the same run. JavaScript results go into arrays allocated once
// (`options.out`): a fresh 4 MB array costs more than the kernel, because the engine zeroes it.
// Without python3 and numpy the numpy rows are left out with a note.
import { spawn } from "node:child_process";
import { Float16Array as PolyfillFloat16Array } from "@petamoriken/float16";
import * as baseline from "../../src/baseline/index.js";
import { dequantize4bit, dequantizeInt8, fromFloat16, quantize4bit, quantizeInt8, ready, RandomState, toFloat16, type BackendName } from "../../src/index.js";
import { detectFeatures } from "../../src/runtime/probe.js";
import type { BenchCase, ExternalImplementation, Implementation } from "../harness.js";
import type { Suite } from "./index.js";

function availableBackends(): BackendName[] {
  const engine = detectFeatures();
  return [...(engine.simd ? ["simd" as const] : []), "scalar"];
}

let numpyMissingNoted = false;

/** numpy timed by bench/python/quant_numpy.py; undefined (with one note) when python3 or numpy is missing. */
function numpy(operation: string, n: number, seconds: number): ExternalImplementation {
  return {
    name: "numpy",
    measure: () =>
      new Promise((resolve) => {
        const script = new URL("../python/quant_numpy.py", import.meta.url).pathname;
        // OPENBLAS_* tuning variables slow numpy down here; they do not affect these kernels, but the
        // project measures numpy without them everywhere.
        const env = { ...process.env };
        delete env.OPENBLAS_CORETYPE;
        delete env.OPENBLAS_L2_SIZE;
        const child = spawn("python3", [script, operation, String(n), String(seconds)], { env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        let errors = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (errors += chunk));
        const skip = (reason: string) => {
          if (!numpyMissingNoted) console.log(`bench quant: numpy rows skipped (${reason.trim().split("\n").pop()})`);
          numpyMissingNoted = true;
          resolve(undefined);
        };
        child.on("error", (error) => skip(error.message));
        child.on("close", (code) => {
          if (code !== 0) return skip(errors || `python3 exited with ${code}`);
          resolve((JSON.parse(output) as { samples: number[] }).samples);
        });
      }),
  };
}

function wasm(run: () => unknown): Implementation[] {
  return availableBackends().map((name) => ({ name: `lowrank ${name}`, activate: () => ready({ backend: name }), run }));
}

export const quantSuite: Suite = {
  name: "quant",
  async cases({ quick }) {
    const sizes = quick ? [1 << 20] : [1 << 20, 1 << 24];
    const rng = new RandomState(1);
    const cases: BenchCase[] = [];
    for (const n of sizes) {
      const label = n === 1 << 20 ? "1M" : "16M";
      const seconds = quick ? 0.3 : 1.5;
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
          ...wasm(() => toFloat16(x, { out: bits })),
        ],
        external: [numpy("f32_to_f16", n, seconds)],
      });

      const halves = baseline.toFloat16(x);
      const decoders: Implementation[] = [
        { name: "baseline", run: () => baseline.fromFloat16(halves, { out: widened }) },
        ...wasm(() => fromFloat16(halves, { out: widened })),
      ];
      // The polyfill decodes about 100 times slower: too slow to time at 16M.
      if (n === 1 << 20) decoders.splice(1, 0, { name: "@petamoriken/float16", run: () => new Float32Array(polyfill) });
      cases.push({ suite: "quant", operation: "f16 -> f32", size: label, values: n, implementations: decoders, external: [numpy("f16_to_f32", n, seconds)] });

      const side = Math.round(Math.sqrt(n));
      const w = { rows: side, cols: side, data: x.subarray(0, side * side) };
      const q8 = baseline.quantizeInt8(w);
      cases.push({
        suite: "quant",
        operation: "int8 quantize (per row)",
        size: label,
        values: side * side,
        implementations: [{ name: "baseline", run: () => baseline.quantizeInt8(w).scales }, ...wasm(() => quantizeInt8(w).scales)],
        external: [numpy("int8_quantize", n, seconds)],
      });
      cases.push({
        suite: "quant",
        operation: "int8 dequantize (per row)",
        size: label,
        values: side * side,
        implementations: [{ name: "baseline", run: () => baseline.dequantizeInt8(q8, { out: widened }) }, ...wasm(() => dequantizeInt8(q8, { out: widened }))],
        external: [numpy("int8_dequantize", n, seconds)],
      });

      const q4 = baseline.quantize4bit(x);
      cases.push({
        suite: "quant",
        operation: "nf4 quantize (block 64)",
        size: label,
        values: n,
        implementations: [{ name: "baseline", run: () => baseline.quantize4bit(x).absmax }, ...wasm(() => quantize4bit(x).absmax)],
        external: [numpy("nf4_quantize", n, seconds)],
      });
      cases.push({
        suite: "quant",
        operation: "nf4 dequantize (block 64)",
        size: label,
        values: n,
        implementations: [{ name: "baseline", run: () => baseline.dequantize4bit(q4, { out: widened }) }, ...wasm(() => dequantize4bit(q4, { out: widened }))],
        external: [numpy("nf4_dequantize", n, seconds)],
      });
    }
    return cases;
  },
};
