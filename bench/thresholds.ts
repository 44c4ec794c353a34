// The sweeps behind the split thresholds in src/runtime/parallel.ts (PARALLEL_PARAMS): GEMM, GEMV
// and float32 -> float16 on operands already in wasm memory, each timed on one thread and on two in
// alternating rounds, fastest of 7. One threaded runtime serves both columns: the "1 thread" rounds
// raise the threshold to Infinity, so the pool stays warm and polling throughout.
//
// Usage: npx tsx bench/thresholds.ts   (about 30 s; needs 2 or more cores)
import { ready } from "../src/index.js";
import { withScope } from "../src/runtime/operands.js";
import { PARALLEL_PARAMS, parallelConvert, parallelGemm, parallelGemv } from "../src/runtime/parallel.js";
import { requireRuntime } from "../src/runtime/state.js";

const ROUNDS = 7;

await ready({ threads: 2, backend: "simd" });
const runtime = requireRuntime("thresholds");
const defaults = { ...PARALLEL_PARAMS };

/** Mean time of `reps` calls, in microseconds. */
function timeCalls(call: () => void, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) call();
  return ((performance.now() - start) / reps) * 1000;
}

/** Fastest mean on one thread and on two, alternating; `limit` sets the threshold under test. */
function compare(call: () => void, reps: number, limit: (value: number) => void): [number, number] {
  let oneThread = Infinity;
  let twoThreads = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    limit(Infinity);
    oneThread = Math.min(oneThread, timeCalls(call, reps));
    limit(0);
    twoThreads = Math.min(twoThreads, timeCalls(call, reps));
  }
  Object.assign(PARALLEL_PARAMS, defaults);
  return [oneThread, twoThreads];
}

function line(label: string, [oneThread, twoThreads]: [number, number]): void {
  const times = `1 thread ${oneThread.toFixed(1).padStart(8)} us   2 threads ${twoThreads.toFixed(1).padStart(8)} us`;
  console.log(`${label.padEnd(42)} ${times}   ${(oneThread / twoThreads).toFixed(2)}x`);
}

/** Allocates `count` float64 values filled with `value`. */
function filled(count: number, value: number): number {
  const address = runtime.heap.allocate(count * 8);
  new Float64Array(runtime.memory.buffer, address, count).fill(value);
  return address;
}

// Workers instantiate the module themselves, and their first calls run before V8 has optimised
// their code: a sweep that starts on a new pool measures its smallest sizes slower than they are.
// Warm every kernel on both threads first.
{
  const size = 128;
  const a = filled(size * size, 0.5);
  const y = filled(size, 0);
  const call = { dtype: "f64" as const, transA: false, transB: false, m: size, n: size, k: size, alpha: 1, a, lda: size, b: a, ldb: size, beta: 0, c: filled(size * size, 0), ldc: size };
  compare(() => withScope(runtime, "thresholds", (scope) => parallelGemm(runtime, scope, call)), 20, (value) => {
    PARALLEL_PARAMS.gemmFlops = value;
  });
  for (const transA of [false, true]) {
    const gemvCall = { dtype: "f64" as const, transA, m: size, n: size, alpha: 1, a, lda: size, x: a, beta: 0, y };
    compare(() => withScope(runtime, "thresholds", (scope) => parallelGemv(runtime, scope, gemvCall)), 200, (value) => {
      PARALLEL_PARAMS.gemvElements = value;
    });
  }
  compare(() => parallelConvert(runtime, "f32_to_f16", a, 4, y, 2, size), 200, (value) => {
    PARALLEL_PARAMS.rangeValues = value;
  });
  for (const address of [a, y, call.c]) runtime.heap.release(address);
}

console.log(`GEMM f64, C -= A B (threshold now ${PARALLEL_PARAMS.gemmFlops} flops)`);
for (const [m, n, k] of [[32, 32, 32], [48, 48, 48], [64, 64, 64], [96, 96, 96], [128, 128, 128], [256, 256, 256], [64, 64, 16], [91, 91, 16], [128, 128, 16], [181, 181, 16], [256, 256, 16], [1000, 1000, 16]] as const) {
  const a = filled(m * k, 0.5);
  const b = filled(k * n, 0.25);
  const c = filled(m * n, 1);
  const call = { dtype: "f64" as const, transA: false, transB: false, m, n, k, alpha: -1, a, lda: k, b, ldb: n, beta: 1, c, ldc: n };
  const flops = 2 * m * n * k;
  const reps = Math.max(3, Math.min(2000, Math.round(2e8 / flops)));
  const times = compare(() => withScope(runtime, "thresholds", (scope) => parallelGemm(runtime, scope, call)), reps, (value) => {
    PARALLEL_PARAMS.gemmFlops = value;
  });
  line(`  ${m}x${n}x${k} (${(flops / 1e6).toFixed(1)} Mflop)`, times);
  for (const address of [a, b, c]) runtime.heap.release(address);
}

console.log(`GEMV f64, y = op(A) x (threshold now ${PARALLEL_PARAMS.gemvElements} elements of A)`);
for (const size of [96, 128, 181, 256, 362, 512, 1024]) {
  for (const transA of [false, true]) {
    const a = filled(size * size, 0.5);
    const x = filled(size, 0.25);
    const y = filled(size, 0);
    const call = { dtype: "f64" as const, transA, m: size, n: size, alpha: 1, a, lda: size, x, beta: 0, y };
    const reps = Math.max(20, Math.round(2e7 / (size * size)));
    const times = compare(() => withScope(runtime, "thresholds", (scope) => parallelGemv(runtime, scope, call)), reps, (value) => {
      PARALLEL_PARAMS.gemvElements = value;
    });
    line(`  ${transA ? "A^T x" : "A x  "} ${size}x${size} (${size * size} elements)`, times);
    for (const address of [a, x, y]) runtime.heap.release(address);
  }
}

console.log(`float32 -> float16 (threshold now ${PARALLEL_PARAMS.rangeValues} values)`);
for (const count of [1 << 12, 1 << 13, 1 << 14, 1 << 16, 1 << 18]) {
  const source = runtime.heap.allocate(count * 4);
  const target = runtime.heap.allocate(count * 2);
  const view = new Float32Array(runtime.memory.buffer, source, count);
  for (let i = 0; i < count; i++) view[i] = Math.sin(i) * 1000;
  const reps = Math.max(20, Math.round(3e7 / count));
  const times = compare(() => parallelConvert(runtime, "f32_to_f16", source, 4, target, 2, count), reps, (value) => {
    PARALLEL_PARAMS.rangeValues = value;
  });
  line(`  ${count} values`, times);
  runtime.heap.release(source);
  runtime.heap.release(target);
}
