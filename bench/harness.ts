/**
 * The benchmark harness every suite uses: tinybench underneath, read through one helper (its result
 * fields changed between major versions), implementations interleaved round by round so that machine
 * drift hits all of them alike, a warm-up first, inputs prepared outside the timed region, results
 * consumed so that no work can be dropped, and one JSON record per case and implementation.
 *
 * The figures that count are ratios between implementations measured in the same run.
 */
import { cpus, totalmem } from "node:os";
import { Bench, type Task } from "tinybench";

/** One contender in a case: a function to time and, optionally, a check of what it returned. */
export interface Implementation {
  /** Name in reports: "lowrank simd", "baseline", "tfjs-wasm", ... */
  name: string;
  /** Runs once before timing (outside the timed region): allocate inputs, create tensors. */
  setup?: () => unknown | Promise<unknown>;
  /** Runs before each round of this implementation, outside the timed region (e.g. load its build). */
  activate?: () => unknown | Promise<unknown>;
  /** The timed call. Its result is consumed by the harness. */
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
  implementations: Implementation[];
  /**
   * Contenders timed outside this process (numpy in a Python subprocess, say), measured once after the
   * interleaved rounds of the same run. Each returns its latency samples in milliseconds, or
   * undefined when it cannot run here (then it is left out of the records).
   */
  external?: ExternalImplementation[];
}

/** A contender that times itself elsewhere and reports samples. */
export interface ExternalImplementation {
  name: string;
  measure: () => Promise<number[] | undefined>;
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
}

/** The statistics of one implementation in one case, as written to the results file. */
export interface CaseRecord {
  suite: string;
  operation: string;
  size: string;
  implementation: string;
  samples: number;
  medianMs: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** Relative margin of error of the mean (95 %), in percent. */
  rmePercent: number;
  /** (max - min) / median. */
  spread: number;
  /** True when rmePercent > 5 or spread > 0.2. */
  noisy: boolean;
  gflops?: number;
  valuesPerSecond?: number;
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

export const QUICK_OPTIONS: HarnessOptions = { rounds: 2, timePerRound: 40, warmupTime: 20, minIterations: 2 };
export const FULL_OPTIONS: HarnessOptions = { rounds: 4, timePerRound: 250, warmupTime: 150, minIterations: 3 };

let sink: unknown;

/** Consumes a result so that the engine cannot drop the work that made it. */
function consume(result: unknown): void {
  sink = result;
}

/** Throws when the last result an implementation returned holds a NaN in its first element. */
function checkConsumed(name: string): void {
  const value = sink as { data?: ArrayLike<number> } | ArrayLike<number> | number | undefined;
  const first = typeof value === "number" ? value : (value as { data?: ArrayLike<number> })?.data?.[0] ?? (value as ArrayLike<number>)?.[0];
  if (typeof first === "number" && Number.isNaN(first)) throw new Error(`${name}: the benchmarked call returned NaN`);
}

/**
 * Reads the latency samples (milliseconds) of a finished task. tinybench 2-6 kept them in different
 * places (`result.samples`, `result.latency.samples`); this is the one place that knows.
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

/** Summarises samples (ms) into the statistics of a record. */
export function summarise(samples: number[]): Pick<CaseRecord, "samples" | "medianMs" | "meanMs" | "minMs" | "maxMs" | "rmePercent" | "spread" | "noisy"> {
  const sorted = [...samples].sort((x, y) => x - y);
  const n = sorted.length;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : 0;
  const critical = n > 1 ? (T_CRITICAL[n - 2] ?? 1.96) : 0;
  const rmePercent = mean > 0 ? ((critical * Math.sqrt(variance / n)) / mean) * 100 : 0;
  const medianMs = median(sorted);
  const spread = medianMs > 0 ? (sorted[n - 1]! - sorted[0]!) / medianMs : 0;
  return {
    samples: n,
    medianMs,
    meanMs: mean,
    minMs: sorted[0]!,
    maxMs: sorted[n - 1]!,
    rmePercent,
    spread,
    noisy: rmePercent > 5 || spread > 0.2,
  };
}

/**
 * Times every implementation of a case, interleaved: in round r the implementations run in an order
 * rotated by r, each for `timePerRound` milliseconds, and the samples of all rounds are pooled.
 * Returns one record per implementation.
 */
export async function runCase(benchCase: BenchCase, options: HarnessOptions): Promise<CaseRecord[]> {
  const { implementations } = benchCase;
  const samples = new Map<string, number[]>(implementations.map((impl) => [impl.name, []]));
  for (const impl of implementations) await impl.setup?.();
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (let slot = 0; slot < implementations.length; slot++) {
        const impl = implementations[(slot + round) % implementations.length]!;
        await impl.activate?.();
        const bench = new Bench({
          time: options.timePerRound,
          iterations: options.minIterations,
          warmup: round === 0,
          warmupTime: options.warmupTime,
          warmupIterations: 1,
          retainSamples: true,
        });
        bench.add(impl.name, () => consume(impl.run()));
        await bench.run();
        checkConsumed(impl.name);
        samples.get(impl.name)!.push(...readSamples(bench.tasks[0]!));
      }
    }
  } finally {
    for (const impl of implementations) await impl.teardown?.();
  }

  const names = implementations.map((impl) => impl.name);
  for (const external of benchCase.external ?? []) {
    const measured = await external.measure();
    if (measured === undefined || measured.length === 0) continue;
    samples.set(external.name, measured);
    names.push(external.name);
  }

  const machine = machineInfo();
  const date = new Date().toISOString();
  return names.map((name) => {
    const stats = summarise(samples.get(name)!);
    const seconds = stats.medianMs / 1000;
    return {
      suite: benchCase.suite,
      operation: benchCase.operation,
      size: benchCase.size,
      implementation: name,
      ...stats,
      ...(benchCase.flops !== undefined ? { gflops: benchCase.flops / seconds / 1e9 } : {}),
      ...(benchCase.values !== undefined ? { valuesPerSecond: benchCase.values / seconds } : {}),
      machine,
      date,
    };
  });
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
    return `  ${record.implementation.padEnd(24)} ${record.medianMs.toPrecision(4).padStart(10)} ms ${rate}  ${speed.toFixed(2)}x ${reference.implementation}  ±${record.rmePercent.toFixed(1)}%${record.noisy ? " (noisy)" : ""}`;
  });
  return [`${reference.suite} ${reference.operation} ${reference.size}`, ...lines].join("\n");
}
