// Matrix multiply: each wasm build (copies in and out included, a new C per call) against the
// pure-JS baseline, tfjs's WebAssembly backend and ml-matrix's mmul. tfjs-wasm runs XNNPACK with SIMD
// on one thread, in f32 only because tfjs has no float64. ml-matrix stores float64 arrays, so its f32
// figures are f64 work. A peak
// loop first measures what 128-bit multiplies and adds reach on this machine, and the summary gives
// each kernel as a fraction of it and checks the targets:
//   f32 at n = 512 and 1024: at least 1.25x tfjs-wasm (simd build);
//   f64 at n = 512 and 1024: at least 85 % of the f64x2 peak (simd build);
//   f32 at n = 64: at least as fast as tfjs-wasm (simd build).
// Relaxed SIMD runs only when Node is started with --experimental-wasm-relaxed-simd (Node 20):
//   npm run bench:relaxed -- --filter matmul
import { dirname } from "node:path";
import { createRequire } from "node:module";
import { Matrix as MlMatrix } from "ml-matrix";
import * as baseline from "../../src/baseline/index.js";
import { matmul, matvec, ready, RandomState, resident, type BackendName, type DType, type Matrix, type ResidentMatrix } from "../../src/index.js";
import { availableBackends } from "./builds.js";
import { requireRuntime, type Runtime } from "../../src/runtime/state.js";
import type { BenchCase, CaseRecord, Implementation } from "../harness.js";
import type { Suite } from "./index.js";

/** Rounds of the peak loop per timed call: about 2 ms at 40 GFLOP/s. */
const PEAK_ITERATIONS = 1_000_000;

/** Floating-point operations per round of the peak loop in the SIMD builds (assembly/gemm/peak.ts). */
const PEAK_FLOPS_PER_ITERATION = { f32: 80, f64: 40 } as const;

type Tfjs = typeof import("@tensorflow/tfjs-core");
let tfjsLoading: Promise<Tfjs> | undefined;

/**
 * Loads tfjs with its wasm backend on one thread. In Node the backend finds its .wasm files through
 * setWasmPaths, given as the path of the package's dist/ folder (no network is involved).
 */
function loadTfjs(): Promise<Tfjs> {
  tfjsLoading ??= (async () => {
    const tf = await import("@tensorflow/tfjs-core");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
    wasm.setThreadsCount(1);
    if (!(await tf.setBackend("wasm"))) throw new Error("bench matmul: tfjs could not start its wasm backend");
    await tf.ready();
    if (!tf.env().getBool("WASM_HAS_SIMD_SUPPORT")) throw new Error("bench matmul: tfjs-wasm runs without SIMD here");
    return tf;
  })();
  return tfjsLoading;
}

function randomMatrix(rng: RandomState, rows: number, cols: number, dtype: DType): Matrix {
  const source = rng.randn(rows, cols);
  return dtype === "f64" ? source : { rows, cols, data: Float32Array.from(source.data) };
}

function toMlMatrix(m: Matrix): MlMatrix {
  return MlMatrix.from1DArray(m.rows, m.cols, Array.from(m.data));
}

function peakCase(dtype: DType): BenchCase {
  const implementations: Implementation[] = availableBackends()
    .filter((name) => name !== "scalar")
    .map((name) => {
      let values = 0;
      let owner: Runtime | undefined;
      return {
        name: `lowrank ${name}`,
        activate: async () => {
          await ready({ backend: name });
          const runtime = requireRuntime("bench");
          // The block survives while its build stays loaded; a new load starts a new memory.
          if (owner === runtime) return;
          owner = runtime;
          values = runtime.heap.allocate(256, "bench");
          new Uint8Array(runtime.memory.buffer, values, 256).fill(0);
          const view = dtype === "f64" ? new Float64Array(runtime.memory.buffer, values, 32) : new Float32Array(runtime.memory.buffer, values, 64);
          view.fill(1e-3);
        },
        run: () => {
          const exports = requireRuntime("bench").exports;
          return dtype === "f64" ? exports.peak_f64(PEAK_ITERATIONS, values, 0.5) : exports.peak_f32(PEAK_ITERATIONS, values, 0.5);
        },
      };
    });
  return {
    suite: "matmul",
    operation: `peak ${dtype === "f64" ? "f64x2" : "f32x4"} multiply-add`,
    size: `${PEAK_ITERATIONS}`,
    flops: PEAK_ITERATIONS * PEAK_FLOPS_PER_ITERATION[dtype],
    implementations,
  };
}

interface ProductShape {
  label: string;
  m: number;
  n: number;
  k: number;
  transB: boolean;
}

async function productCase(rng: RandomState, dtype: DType, shape: ProductShape): Promise<BenchCase> {
  const { m, n, k, transB } = shape;
  const a = randomMatrix(rng, m, k, dtype);
  const b = transB ? randomMatrix(rng, n, k, dtype) : randomMatrix(rng, k, n, dtype);
  const implementations: Implementation[] = [];

  if (dtype === "f32") {
    const tf = await loadTfjs();
    let ta: import("@tensorflow/tfjs-core").Tensor2D | undefined;
    let tb: import("@tensorflow/tfjs-core").Tensor2D | undefined;
    implementations.push({
      name: "tfjs-wasm",
      setup: () => {
        ta = tf.tensor2d(a.data as Float32Array, [a.rows, a.cols]);
        tb = tf.tensor2d(b.data as Float32Array, [b.rows, b.cols]);
      },
      run: async () => {
        const c = tf.matMul(ta!, tb!, false, transB);
        const values = await c.data();
        c.dispose();
        return values;
      },
      teardown: () => {
        ta?.dispose();
        tb?.dispose();
      },
    });
  }

  for (const name of availableBackends()) {
    implementations.push({ name: `lowrank ${name}`, activate: () => ready({ backend: name }), run: () => matmul(a, b, { transB }) });
  }
  implementations.push({ name: "baseline", run: () => baseline.matmul(a, b, { transB }) });

  // ml-matrix has no transposed product: B^T is formed once, outside the timed region.
  let left: MlMatrix | undefined;
  let right: MlMatrix | undefined;
  implementations.push({
    name: "ml-matrix",
    setup: () => {
      left = toMlMatrix(a);
      right = transB ? toMlMatrix(b).transpose() : toMlMatrix(b);
    },
    run: () => left!.mmul(right!).get(0, 0),
  });

  return {
    suite: "matmul",
    operation: `${shape.label} ${dtype}`,
    size: `${m}x${n}x${k}`,
    flops: 2 * m * n * k,
    numpy: { script: "matmul.py", params: { dtype, m, n, k, transB } },
    implementations,
  };
}

/**
 * y = A x for a square A, on each build with A plain (copied in on every call) and resident (copied
 * once, as a model's weights would be), against the baseline.
 */
function matvecCase(rng: RandomState, dtype: DType, n: number, transA: boolean): BenchCase {
  const a = randomMatrix(rng, n, n, dtype);
  const x = randomMatrix(rng, 1, n, dtype).data;
  const implementations: Implementation[] = [];
  for (const name of availableBackends()) {
    let residentA: ResidentMatrix | undefined;
    implementations.push({ name: `lowrank ${name}`, activate: () => ready({ backend: name }), run: () => matvec(a, x, { transA }) });
    implementations.push({
      name: `lowrank ${name} resident`,
      activate: async () => {
        await ready({ backend: name });
        residentA?.dispose();
        residentA = resident(a);
      },
      run: () => matvec(residentA!, x, { transA }),
      teardown: () => residentA?.dispose(),
    });
  }
  implementations.push({ name: "baseline", run: () => baseline.matvec(a, x, { transA }) });
  return {
    suite: "matmul",
    operation: `matvec${transA ? " transA" : ""} ${dtype}`,
    size: `${n}x${n}`,
    flops: 2 * n * n,
    numpy: { script: "matmul.py", params: { dtype, m: n, n: 1, k: n, matvec: true, transA } },
    implementations,
  };
}

function find(records: CaseRecord[], operation: string, size: string | undefined, implementation: string): CaseRecord | undefined {
  return records.find((r) => r.operation === operation && (size === undefined || r.size === size) && r.implementation === implementation);
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

export const matmulSuite: Suite = {
  name: "matmul",
  async cases({ quick }) {
    const rng = new RandomState(7);
    const squares = quick ? [64, 512] : [16, 32, 64, 128, 256, 512, 1024];
    const cases: BenchCase[] = [peakCase("f32"), peakCase("f64")];
    for (const dtype of ["f32", "f64"] as const) {
      for (const size of squares) cases.push(await productCase(rng, dtype, { label: "square", m: size, n: size, k: size, transB: false }));
      // Two LoRA shapes: the merge B A of a rank-16 adapter (4096 x 16 times 16 x 4096, scaled
      // down to 2048), and the adapter applied to a batch of 64 inputs (x A^T with A 16 x 2048).
      cases.push(await productCase(rng, dtype, { label: "lora merge B A", m: 2048, n: 2048, k: 16, transB: false }));
      cases.push(await productCase(rng, dtype, { label: "lora apply x A^T", m: 64, n: 16, k: 2048, transB: true }));
      cases.push(matvecCase(rng, dtype, quick ? 512 : 2048, false));
      cases.push(matvecCase(rng, dtype, quick ? 512 : 2048, true));
    }
    return cases;
  },

  summarise(records) {
    // Fractions of peak and the target checks compare fastest samples with fastest samples, because
    // on a shared machine medians drift with the load of the moment, and the peak loop runs minutes
    // before the largest products. Medians are printed beside them.
    const best = (record: CaseRecord) => (record.gflops! * record.medianMs) / record.minMs;
    const lines = ["matmul summary: GFLOP/s median and best, best as a fraction of the build's best peak, speed against tfjs-wasm"];

    const peaks = new Map<string, number>();
    for (const record of records.filter((r) => r.operation.startsWith("peak"))) {
      const dtype = record.operation.includes("f64") ? "f64" : "f32";
      peaks.set(`${dtype} ${record.implementation}`, best(record));
      lines.push(`  peak ${dtype} ${record.implementation.padEnd(22)} median ${record.gflops!.toFixed(2).padStart(6)}  best ${best(record).toFixed(2).padStart(6)} GFLOP/s`);
    }
    for (const record of records.filter((r) => !r.operation.startsWith("peak") && !r.operation.startsWith("matvec") && r.implementation.startsWith("lowrank"))) {
      const dtype = record.operation.endsWith("f64") ? "f64" : "f32";
      const peak = peaks.get(`${dtype} ${record.implementation}`);
      const tfjs = find(records, record.operation, record.size, "tfjs-wasm");
      const ofPeak = peak === undefined ? "" : `  ${percent(best(record) / peak).padStart(7)} of peak`;
      const againstTfjs = tfjs === undefined ? "" : `  ${(tfjs.medianMs / record.medianMs).toFixed(2)}x tfjs-wasm (best ${(tfjs.minMs / record.minMs).toFixed(2)}x)`;
      const rates = `median ${record.gflops!.toFixed(2).padStart(6)}  best ${best(record).toFixed(2).padStart(6)} GFLOP/s`;
      lines.push(`  ${`${record.operation} ${record.size}`.padEnd(34)} ${record.implementation.padEnd(20)} ${rates}${ofPeak}${againstTfjs}`);
    }

    lines.push("targets (simd build, fastest samples):");
    const check = (label: string, value: number | undefined, goal: number, format: (x: number) => string) => {
      if (value === undefined) lines.push(`  ${label}: not measured`);
      else lines.push(`  ${label}: ${format(value)} (target ${format(goal)}) ${value >= goal ? "met" : "MISSED"}`);
    };
    for (const size of [512, 1024]) {
      const ours = find(records, "square f32", `${size}x${size}x${size}`, "lowrank simd");
      const tfjs = find(records, "square f32", `${size}x${size}x${size}`, "tfjs-wasm");
      check(`f32 n=${size} against tfjs-wasm`, ours && tfjs ? tfjs.minMs / ours.minMs : undefined, 1.25, (x) => `${x.toFixed(2)}x`);
      const ours64 = find(records, "square f64", `${size}x${size}x${size}`, "lowrank simd");
      const peak = peaks.get("f64 lowrank simd");
      check(`f64 n=${size} against the f64x2 peak`, ours64 && peak ? best(ours64) / peak : undefined, 0.85, percent);
    }
    const small = find(records, "square f32", "64x64x64", "lowrank simd");
    const smallTfjs = find(records, "square f32", "64x64x64", "tfjs-wasm");
    check("f32 n=64 against tfjs-wasm", small && smallTfjs ? smallTfjs.minMs / small.minMs : undefined, 1, (x) => `${x.toFixed(2)}x`);
    return lines.join("\n");
  },
};
