// The threaded build against one thread. Each case runs `ready({ threads: 1, backend: "simd" })`
// beside `ready({ threads: 2, backend: "simd" })`, and the same for the machine's core count when
// that is more; the `activate` hook switches builds. Every count runs the simd kernels, so the ratios
// measure the threads alone. Where the engine has relaxed SIMD, the GEMM and SVD cases also time the
// relaxed-simd build on 1 and 2 threads, which `ready()` picks there.
// The summary states the ratios and checks:
//   GEMM f32 at n = 1024, copies in and out included: 2 threads at least 1.8x one thread;
//   thin SVD of a 1000 x 1000 f64 matrix: 2 threads at least 1.25x one thread;
//   float16 conversion of 16M values already in wasm memory: 2 threads at least 1.5x one thread.
// The checks compare fastest samples, as the matmul suite does against the peak. Two threads need
// both cores, so a neighbour's load on a shared machine slows them more than one thread. The medians,
// printed beside, mix that load into the ratio.
// Smaller products show where splitting stops paying (the thresholds in src/runtime/parallel.ts).
import { availableParallelism } from "node:os";
import { matmul, ready, RandomState, svd, type Matrix } from "../../src/index.js";
import { withScope } from "../../src/runtime/operands.js";
import { parallelConvert, parallelGemv } from "../../src/runtime/parallel.js";
import { detectFeatures } from "../../src/runtime/probe.js";
import { requireRuntime, type Runtime } from "../../src/runtime/state.js";
import type { BenchCase, CaseRecord, Implementation } from "../harness.js";
import type { Suite } from "./index.js";

/** Thread counts measured: 1, 2 and the machine's cores (at most 8) when that differs. */
function threadCounts(): number[] {
  const cores = Math.min(8, availableParallelism());
  return [...new Set([1, 2, cores])].filter((threads) => threads <= Math.max(2, cores));
}

function implementationName(threads: number): string {
  return `lowrank threads: ${threads}`;
}

const RELAXED_NAME = "lowrank relaxed-simd, 1 thread";
const RELAXED_THREADS_NAME = "lowrank relaxed-simd, 2 threads";

/** Loads the simd kernels on `threads` threads, so that every count runs the same kernels. */
function activateThreads(threads: number): Promise<unknown> {
  return ready({ threads, backend: "simd" });
}

/** Makes a case's implementations around `run`: one per thread count, and relaxed-simd if available. */
function threadImplementations(run: () => unknown): Implementation[] {
  const implementations: Implementation[] = threadCounts().map((threads) => ({
    name: implementationName(threads),
    kind: "build",
    warmupEachRound: true,
    activate: () => activateThreads(threads),
    run,
  }));
  if (detectFeatures().relaxedSimd) {
    for (const [name, threads] of [[RELAXED_NAME, 1], [RELAXED_THREADS_NAME, 2]] as const) {
      implementations.push({ name, kind: "build", warmupEachRound: true, activate: () => ready({ threads, backend: "relaxed-simd" }), run });
    }
  }
  return implementations;
}

function randomF32(rng: RandomState, rows: number, cols: number): Matrix {
  return { rows, cols, data: Float32Array.from(rng.randn(rows * cols)) };
}

function gemmCase(rng: RandomState, n: number): BenchCase {
  const a = randomF32(rng, n, n);
  const b = randomF32(rng, n, n);
  const implementations = threadImplementations(() => {
    const c = matmul(a, b);
    if (Number.isNaN(c.data[0])) throw new Error("bench threads: NaN in the product");
    return c;
  });
  return { suite: "threads", operation: "matmul f32", size: `${n}x${n}x${n}`, flops: 2 * n ** 3, sizeValue: n, implementations };
}

/** Thin SVD (U, S and V^T) of an n x n f64 matrix; the blocked updates are what threads share. */
function svdCase(rng: RandomState, n: number): BenchCase {
  const a: Matrix = { rows: n, cols: n, data: Float64Array.from(rng.randn(n * n)) };
  const implementations = threadImplementations(() => {
    const result = svd(a);
    if (Number.isNaN(result.S[0])) throw new Error("bench threads: NaN in the singular values");
    return result;
  });
  // A call takes about 0.75 s at n = 1000 on one thread, so the budget leaves each implementation 3
  // or more calls a round.
  return { suite: "threads", operation: "svd f64", size: `${n}x${n}`, sizeValue: n, budgetMs: 40_000, implementations };
}

/**
 * Makes one implementation per thread count for a case whose operands stay in wasm memory. `place`
 * allocates and fills them in the runtime that activation loaded, once per load, because the blocks
 * survive while that build stays loaded and a new load starts a new memory. `run` gets the runtime.
 */
function residentImplementations(place: (runtime: Runtime) => void, run: (runtime: Runtime) => unknown): Implementation[] {
  return threadCounts().map((threads) => {
    let owner: Runtime | undefined;
    return {
      name: implementationName(threads),
      kind: "build",
      warmupEachRound: true,
      activate: async () => {
        await activateThreads(threads);
        const runtime = requireRuntime("bench");
        if (owner === runtime) return;
        owner = runtime;
        place(runtime);
      },
      run: () => run(requireRuntime("bench")),
    };
  });
}

/**
 * y = A x or A^T x on an n x n f64 matrix already in wasm memory, as the SVD's panel computes them:
 * the kernels and the split alone, no copies. It shows where PARALLEL_PARAMS.gemvElements pays.
 */
function residentGemvCase(rng: RandomState, n: number, transA: boolean): BenchCase {
  const values = Float64Array.from(rng.randn(n * n + n));
  let a = 0;
  let x = 0;
  let y = 0;
  const implementations = residentImplementations(
    (runtime) => {
      a = runtime.heap.allocate(n * n * 8, "bench");
      x = runtime.heap.allocate(n * 8, "bench");
      y = runtime.heap.allocate(n * 8, "bench");
      new Float64Array(runtime.memory.buffer, a, n * n).set(values.subarray(0, n * n));
      new Float64Array(runtime.memory.buffer, x, n).set(values.subarray(n * n));
    },
    (runtime) => withScope(runtime, "bench", (scope) => parallelGemv(runtime, scope, { dtype: "f64", transA, m: n, n, alpha: 1, a, lda: n, x, beta: 0, y })),
  );
  return { suite: "threads", operation: `gemv${transA ? "^T" : ""} f64 resident`, size: `${n}x${n}`, flops: 2 * n * n, sizeValue: n, implementations };
}

/** float32 -> float16 on n values that stay in wasm memory: the kernels alone, no copies. */
function residentConversionCase(rng: RandomState, n: number): BenchCase {
  const values = Float32Array.from(rng.randn(1 << 16), (x) => x * 1000);
  let source = 0;
  let target = 0;
  const implementations = residentImplementations(
    (runtime) => {
      source = runtime.heap.allocate(n * 4, "bench");
      target = runtime.heap.allocate(n * 2, "bench");
      const view = new Float32Array(runtime.memory.buffer, source, n);
      for (let i = 0; i < n; i += values.length) view.set(values.subarray(0, Math.min(values.length, n - i)), i);
    },
    (runtime) => parallelConvert(runtime, "f32_to_f16", source, 4, target, 2, n),
  );
  const label = n >= 1 << 20 ? `${n >> 20}M` : `${n >> 10}K`;
  return { suite: "threads", operation: "f32 -> f16 resident", size: label, values: n, sizeValue: n, implementations };
}

function find(records: CaseRecord[], operation: string, size: string, threads: number): CaseRecord | undefined {
  return records.find((r) => r.operation === operation && r.size === size && r.implementation === implementationName(threads));
}

export const threadsSuite: Suite = {
  name: "threads",
  async cases({ quick }) {
    const rng = new RandomState(5);
    const sizes = quick ? [128, 512] : [128, 256, 512, 1024];
    const conversions = quick ? [1 << 20] : [1 << 16, 1 << 20, 1 << 24];
    const svdSizes = quick ? [200] : [500, 1000];
    const gemvSizes = quick ? [512] : [128, 256, 362, 512, 1024];
    return [
      ...sizes.map((n) => gemmCase(rng, n)),
      ...gemvSizes.flatMap((n) => [residentGemvCase(rng, n, false), residentGemvCase(rng, n, true)]),
      ...svdSizes.map((n) => svdCase(rng, n)),
      ...conversions.map((n) => residentConversionCase(rng, n)),
    ];
  },

  summarise(records) {
    const lines = ["threads summary: speed against the simd build on 1 thread, fastest samples (medians)"];
    const keys = [...new Set(records.map((r) => `${r.operation}|${r.size}`))];
    for (const key of keys) {
      const [operation, size] = key.split("|") as [string, string];
      const single = find(records, operation, size, 1);
      if (single === undefined) continue;
      const ratios = threadCounts()
        .filter((threads) => threads > 1)
        .map((threads) => {
          const record = find(records, operation, size, threads);
          if (record === undefined) return `${threads} threads: not measured`;
          return `${threads} threads ${(single.minMs / record.minMs).toFixed(2)}x (${(single.medianMs / record.medianMs).toFixed(2)}x)`;
        });
      for (const [label, name] of [["relaxed-simd 1 thread", RELAXED_NAME], ["relaxed-simd 2 threads", RELAXED_THREADS_NAME]]) {
        const relaxed = records.find((r) => r.operation === operation && r.size === size && r.implementation === name);
        if (relaxed !== undefined) ratios.push(`${label} ${(single.minMs / relaxed.minMs).toFixed(2)}x (${(single.medianMs / relaxed.medianMs).toFixed(2)}x)`);
      }
      const times = `${single.minMs.toFixed(2).padStart(9)} ms (${single.medianMs.toFixed(2)})`;
      lines.push(`  ${`${operation} ${size}`.padEnd(30)} 1 thread ${times}   ${ratios.join("   ")}`);
    }

    lines.push("targets (2 threads against 1):");
    const check = (label: string, operation: string, size: string, goal: number) => {
      const single = find(records, operation, size, 1);
      const two = find(records, operation, size, 2);
      if (single === undefined || two === undefined) {
        lines.push(`  ${label}: not measured`);
        return;
      }
      const ratio = single.minMs / two.minMs;
      const medians = single.medianMs / two.medianMs;
      lines.push(`  ${label}: ${ratio.toFixed(2)}x (target ${goal.toFixed(2)}x) ${ratio >= goal ? "met" : "MISSED"}; medians ${medians.toFixed(2)}x`);
    };
    check("matmul f32 n=1024, copies included", "matmul f32", "1024x1024x1024", 1.8);
    check("thin SVD f64 1000 x 1000", "svd f64", "1000x1000", 1.25);
    check("float16 conversion of 16M resident values", "f32 -> f16 resident", "16M", 1.5);
    return lines.join("\n");
  },
};
