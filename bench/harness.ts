/**
 * The benchmark harness every suite uses. It runs tinybench and reads its results through one helper,
 * because the result fields changed between major versions. Implementations are interleaved round by
 * round so that machine drift hits all of them alike. Each is warmed up first, its inputs are prepared
 * outside the timed region, and its results are consumed so that no work can be dropped. The output is
 * one JSON record per case and implementation.
 *
 * The figures that count are ratios between implementations measured in the same run.
 */
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { Bench, type Task } from "tinybench";

/**
 * Role of an implementation in the report's ratio columns: "build" is a lowrank wasm build,
 * "baseline" the pure-JavaScript twin, "peer" another library, "numpy" numpy in a Python process.
 */
export type ImplementationKind = "build" | "baseline" | "peer" | "numpy";

/** One contender in a case: a function to time and, optionally, a check of what it returned. */
export interface Implementation {
  /** Name in reports: "lowrank simd", "baseline", "tfjs-wasm", ... */
  name: string;
  /** Defaults to what the name suggests: "baseline", "lowrank ..." a build, "numpy..." numpy, else a peer. */
  kind?: ImplementationKind;
  /** Maximum time for this implementation in the case (warm-up and all rounds), in milliseconds. */
  budgetMs?: number;
  /** Maximum number of timed calls over all rounds, for contenders too slow to sample freely. */
  maxIterations?: number;
  /** Runs once before timing (outside the timed region): allocate inputs, create tensors. */
  setup?: () => unknown | Promise<unknown>;
  /** Runs before each round of this implementation, outside the timed region (e.g. load its build). */
  activate?: () => unknown | Promise<unknown>;
  /**
   * Warm up after every `activate`, not only in the first round: for builds whose activation starts
   * new worker threads, whose first calls run slower than the later ones.
   */
  warmupEachRound?: boolean;
  /**
   * The timed call. Its result is consumed by the harness; a promise is awaited inside the timed
   * region (tfjs's `await t.data()`, for example) and its value consumed.
   */
  run: () => unknown;
  /** Runs once after timing: free what setup made. */
  teardown?: () => unknown | Promise<unknown>;
}

/** A case: one operation at one size, with every implementation to compare. */
export interface BenchCase {
  suite: string;
  operation: string;
  /** Size label, e.g. "512x512x512" or "1M". */
  size: string;
  /** Floating-point operations per call, for GFLOP/s (2mnk for a matrix product). */
  flops?: number;
  /** Values processed per call, for values/s (conversions, quantization). */
  values?: number;
  /** Numeric size for the charts' x axis (e.g. n for n x n); defaults to `values`, then `flops`. */
  sizeValue?: number;
  /** Measured peak of this machine in GFLOP/s (e.g. a SIMD FMA loop); the report shows each GFLOP/s as a fraction of it. */
  peakGflops?: number;
  /** Maximum time for the whole case, shared equally among its implementations, in milliseconds. */
  budgetMs?: number;
  /** numpy's counterpart of this case, timed by a Python helper (see bench/numpy.ts). */
  numpy?: NumpyCase;
  implementations: Implementation[];
}

/**
 * A case for a numpy helper script: `script` is a file name in bench/numpy/, `params` the JSON object
 * its `make_case` receives (shape, dtype, ...).
 */
export interface NumpyCase {
  script: string;
  params: Record<string, unknown>;
}

/** Timing budget of a case. */
export interface HarnessOptions {
  /** Rounds of interleaving; each implementation is timed once per round. */
  rounds: number;
  /** Time per implementation per round, in milliseconds. */
  timePerRound: number;
  /** Warm-up time per implementation before the first round, in milliseconds. */
  warmupTime: number;
  /** Minimum iterations per implementation per round, so that slow contenders still give samples. */
  minIterations: number;
  /** Maximum time per case, shared equally among its implementations, in milliseconds (a case's own `budgetMs` wins). */
  caseBudgetMs?: number;
  /** Maximum time per implementation per case, in milliseconds (an implementation's own `budgetMs` is also applied). */
  implementationBudgetMs?: number;
}

/** The statistics of one implementation in one case, as written to the results file. */
export interface CaseRecord {
  suite: string;
  operation: string;
  size: string;
  implementation: string;
  kind?: ImplementationKind;
  samples: number;
  medianMs: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** Relative margin of error of the mean (95 %), in percent. */
  rmePercent: number;
  /**
   * (max - min) / median. With samples from several rounds, max and min are those of the round medians.
   * A single call's time can swing to several times the median (a GC pause, a timer interrupt), so the
   * per-call range would flag every case, while what threatens the ratios is drift between rounds.
   */
  spread: number;
  /** Median of each round's samples, in milliseconds, in round order. */
  roundMediansMs?: number[];
  /** True when rmePercent > 5 or spread > 0.2. */
  noisy: boolean;
  /** Rounds this implementation ran in; fewer than the options' rounds when its budget ran out. */
  rounds?: number;
  /** True when the time budget or `maxIterations` cut the samples below the standard plan. */
  budgetLimited?: boolean;
  flops?: number;
  values?: number;
  sizeValue?: number;
  gflops?: number;
  valuesPerSecond?: number;
  peakGflops?: number;
  /** gflops / peakGflops. */
  peakFraction?: number;
  machine: MachineInfo;
  date: string;
}

/** The machine a record was measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
}

/** Describes this machine for the records. */
export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? "unknown",
    cores: processors.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
  };
}

// A fast implementation takes warmupTime + rounds * timePerRound: 0.1 s quick, 1.15 s full. The budgets
// only bite on slow ones. A full case of 8 implementations takes at most 12 s, so 50 such cases fit in
// 10 minutes.
export const QUICK_OPTIONS: HarnessOptions = {
  rounds: 2,
  timePerRound: 40,
  warmupTime: 20,
  minIterations: 2,
  caseBudgetMs: 2_000,
  implementationBudgetMs: 400,
};
export const FULL_OPTIONS: HarnessOptions = {
  rounds: 4,
  timePerRound: 250,
  warmupTime: 150,
  minIterations: 3,
  caseBudgetMs: 12_000,
  implementationBudgetMs: 3_000,
};

let sink: unknown;

/** Consumes a result so that the engine cannot drop the work that made it. */
function consume(result: unknown): void {
  sink = result;
}

/** Throws when the first element of the last result an implementation returned is NaN. */
function checkConsumed(name: string): void {
  const value = sink as { data?: ArrayLike<number> } | ArrayLike<number> | number | undefined;
  const first = typeof value === "number" ? value : (value as { data?: ArrayLike<number> })?.data?.[0] ?? (value as ArrayLike<number>)?.[0];
  if (typeof first === "number" && Number.isNaN(first)) throw new Error(`${name}: the benchmarked call returned NaN`);
}

/**
 * Reads the latency samples (milliseconds) of a finished task. tinybench 2-6 kept them in different
 * places (`result.samples`, `result.latency.samples`), and this function is the only reader.
 */
export function readSamples(task: Task): number[] {
  const result = task.result as unknown as { samples?: ArrayLike<number>; latency?: { samples?: ArrayLike<number> }; state?: string; error?: unknown };
  if (result.state === "errored") throw result.error instanceof Error ? result.error : new Error(`task ${task.name} failed`);
  const samples = result.latency?.samples ?? result.samples;
  if (samples === undefined) throw new Error(`task ${task.name}: tinybench kept no samples (is retainSamples on?)`);
  return Array.from(samples);
}

function median(sorted: number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Two-sided 95 % Student t critical values for 1..30 degrees of freedom; 1.96 beyond. */
const T_CRITICAL = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * Summarises samples (ms) into the statistics of a record. `rounds`, when given, contains the same samples
 * split by round; with two or more non-empty rounds the spread is taken over the round medians.
 */
export function summarise(
  samples: number[],
  rounds?: number[][],
): Pick<CaseRecord, "samples" | "medianMs" | "meanMs" | "minMs" | "maxMs" | "rmePercent" | "spread" | "noisy" | "roundMediansMs"> {
  if (samples.length === 0) throw new RangeError("summarise: samples must not be empty; received 0 samples");
  const sorted = [...samples].sort((x, y) => x - y);
  const n = sorted.length;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : 0;
  const critical = n > 1 ? (T_CRITICAL[n - 2] ?? 1.96) : 0;
  const rmePercent = mean > 0 ? ((critical * Math.sqrt(variance / n)) / mean) * 100 : 0;
  const medianMs = median(sorted);
  const roundMediansMs = rounds?.filter((round) => round.length > 0).map((round) => median([...round].sort((x, y) => x - y)));
  const basis = roundMediansMs !== undefined && roundMediansMs.length >= 2 ? roundMediansMs : [sorted[0]!, sorted[n - 1]!];
  const spread = medianMs > 0 ? (Math.max(...basis) - Math.min(...basis)) / medianMs : 0;
  return {
    samples: n,
    medianMs,
    meanMs: mean,
    minMs: sorted[0]!,
    maxMs: sorted[n - 1]!,
    rmePercent,
    spread,
    noisy: rmePercent > 5 || spread > 0.2,
    ...(roundMediansMs !== undefined ? { roundMediansMs } : {}),
  };
}

/** Returns an implementation's kind: its own tag, or what its name suggests. */
export function implementationKind(impl: Pick<Implementation, "name" | "kind">): ImplementationKind {
  if (impl.kind !== undefined) return impl.kind;
  if (impl.name === "baseline") return "baseline";
  if (impl.name.startsWith("lowrank")) return "build";
  if (impl.name.startsWith("numpy")) return "numpy";
  return "peer";
}

/** Returns the time an implementation may take in a case: the smallest of the budgets that apply. */
export function implementationBudgetMs(impl: Implementation, benchCase: BenchCase, options: HarnessOptions): number {
  const caseBudget = benchCase.budgetMs ?? options.caseBudgetMs;
  const share = caseBudget === undefined ? Infinity : caseBudget / benchCase.implementations.length;
  return Math.min(share, options.implementationBudgetMs ?? Infinity, impl.budgetMs ?? Infinity);
}

/**
 * Estimates how long `runCase` takes when every implementation is fast (a slow one is cut to its
 * budget), in milliseconds; for progress lines.
 */
export function estimateCaseMs(benchCase: BenchCase, options: HarnessOptions): number {
  const standard = options.warmupTime + options.rounds * options.timePerRound;
  return benchCase.implementations.reduce((sum, impl) => sum + Math.min(standard, implementationBudgetMs(impl, benchCase, options)), 0);
}

/** Sampling plan of one implementation in a case, made from one probe call. */
interface SamplingPlan {
  rounds: number;
  /** tinybench `iterations`: the minimum per round (exact when timePerRound is 0). */
  iterationsPerRound: number;
  /** tinybench `time`, in milliseconds; 0 runs exactly iterationsPerRound calls. */
  timePerRound: number;
  warmup: boolean;
  limited: boolean;
  /** Duration of the probe call, in milliseconds (a cold call: JIT and caches not warm). */
  probeMs: number;
}

/**
 * Calls an implementation once, and plans its sampling so that it stays within its budget. A fast
 * implementation gets the standard plan. A slow one skips tinybench's warm-up (the probe was its
 * warm-up) and gets a fixed number of calls in as many rounds as the budget allows. When even one
 * more call does not fit, the probe is its only sample.
 */
async function planSampling(impl: Implementation, benchCase: BenchCase, options: HarnessOptions): Promise<SamplingPlan> {
  await impl.activate?.();
  const start = performance.now();
  const result = impl.run();
  if (result instanceof Promise) await result;
  const probeMs = performance.now() - start;
  consume(result);
  checkConsumed(impl.name);

  const budget = implementationBudgetMs(impl, benchCase, options);
  const standardMs = options.warmupTime + options.rounds * Math.max(options.timePerRound, options.minIterations * probeMs);
  if (impl.maxIterations === undefined && probeMs + standardMs <= budget) {
    return { rounds: options.rounds, iterationsPerRound: options.minIterations, timePerRound: options.timePerRound, warmup: true, limited: false, probeMs };
  }

  let calls = Math.floor((budget - probeMs) / Math.max(probeMs, 1e-3));
  if (impl.maxIterations !== undefined) calls = Math.min(calls, impl.maxIterations);
  if (calls < 1) return { rounds: 0, iterationsPerRound: 0, timePerRound: 0, warmup: false, limited: true, probeMs };
  const rounds = Math.min(options.rounds, calls);
  return { rounds, iterationsPerRound: Math.floor(calls / rounds), timePerRound: 0, warmup: false, limited: true, probeMs };
}

/**
 * Times every implementation of a case, interleaved: in round r the implementations run in an order
 * rotated by r, each for `timePerRound` milliseconds, and the samples of all rounds are pooled.
 * Each implementation is first called once to plan its sampling within its time budget (see
 * `HarnessOptions.caseBudgetMs`, `implementationBudgetMs` and `Implementation.budgetMs`): a slow one
 * runs in fewer rounds with fewer calls. A single call is never interrupted, so a call longer than
 * the budget still takes its full time once. Returns one record per implementation.
 */
export async function runCase(benchCase: BenchCase, options: HarnessOptions): Promise<CaseRecord[]> {
  const { implementations } = benchCase;
  const samples = new Map<string, number[][]>(implementations.map((impl) => [impl.name, []]));
  const plans = new Map<string, SamplingPlan>();
  for (const impl of implementations) await impl.setup?.();
  try {
    for (const impl of implementations) plans.set(impl.name, await planSampling(impl, benchCase, options));

    for (let round = 0; round < options.rounds; round++) {
      for (let slot = 0; slot < implementations.length; slot++) {
        const impl = implementations[(slot + round) % implementations.length]!;
        const plan = plans.get(impl.name)!;
        if (round >= plan.rounds) continue;
        await impl.activate?.();
        const bench = new Bench({
          time: plan.timePerRound,
          iterations: plan.iterationsPerRound,
          warmup: (round === 0 || impl.warmupEachRound === true) && plan.warmup,
          warmupTime: options.warmupTime,
          warmupIterations: 1,
          retainSamples: true,
        });
        bench.add(impl.name, () => {
          const result = impl.run();
          if (result instanceof Promise) return result.then(consume);
          consume(result);
          return undefined;
        });
        await bench.run();
        checkConsumed(impl.name);
        samples.get(impl.name)!.push(readSamples(bench.tasks[0]!));
      }
    }
  } finally {
    for (const impl of implementations) await impl.teardown?.();
  }

  const machine = machineInfo();
  const date = new Date().toISOString();
  return implementations.map((impl): CaseRecord => {
    const plan = plans.get(impl.name)!;
    const rounds = samples.get(impl.name)!;
    const stats = rounds.length > 0 ? summarise(rounds.flat(), rounds) : summarise([plan.probeMs]);
    return {
      suite: benchCase.suite,
      operation: benchCase.operation,
      size: benchCase.size,
      implementation: impl.name,
      kind: implementationKind(impl),
      ...stats,
      rounds: plan.rounds,
      budgetLimited: plan.limited,
      ...caseRates(benchCase, stats.medianMs),
      machine,
      date,
    };
  });
}

/** Returns the size and throughput fields of a record whose median time is `medianMs`. */
export function caseRates(
  benchCase: Pick<BenchCase, "flops" | "values" | "sizeValue" | "peakGflops">,
  medianMs: number,
): Pick<CaseRecord, "flops" | "values" | "sizeValue" | "gflops" | "valuesPerSecond" | "peakGflops" | "peakFraction"> {
  const seconds = medianMs / 1000;
  const rates: ReturnType<typeof caseRates> = {};
  if (benchCase.sizeValue !== undefined) rates.sizeValue = benchCase.sizeValue;
  if (benchCase.flops !== undefined) {
    rates.flops = benchCase.flops;
    rates.gflops = benchCase.flops / seconds / 1e9;
    if (benchCase.peakGflops !== undefined) {
      rates.peakGflops = benchCase.peakGflops;
      rates.peakFraction = rates.gflops / benchCase.peakGflops;
    }
  }
  if (benchCase.values !== undefined) {
    rates.values = benchCase.values;
    rates.valuesPerSecond = benchCase.values / seconds;
  }
  return rates;
}

/**
 * Formats the records of one case as aligned text rows. The ratio is each implementation's speed
 * relative to the first one's (2.00x: twice as fast).
 */
export function formatCase(records: CaseRecord[]): string {
  const reference = records[0]!;
  const lines = records.map((record) => {
    const speed = reference.medianMs / record.medianMs;
    const rate = record.gflops !== undefined
      ? `${record.gflops.toFixed(2).padStart(8)} GFLOP/s`
      : record.valuesPerSecond !== undefined ? `${(record.valuesPerSecond / 1e9).toFixed(3).padStart(8)} Gval/s` : "";
    return `  ${record.implementation.padEnd(24)} ${record.medianMs.toPrecision(4).padStart(10)} ms ${rate}  ${speed.toFixed(2)}x ${reference.implementation}  ±${record.rmePercent.toFixed(1)}%${record.noisy ? " (noisy)" : ""}${record.budgetLimited ? ` (budget: ${record.samples} samples)` : ""}`;
  });
  return [`${reference.suite} ${reference.operation} ${reference.size}`, ...lines].join("\n");
}
