import { describe, expect, it } from "vitest";
import {
  estimateCaseMs,
  implementationBudgetMs,
  implementationKind,
  runCase,
  summarise,
  type BenchCase,
  type HarnessOptions,
  type Implementation,
} from "../../bench/harness.js";
import { helperEnvironment, splitIntoRounds } from "../../bench/numpy.js";

/** Spins for `ms` milliseconds and returns a number, as a stand-in for a slow kernel. */
function spin(ms: number): number {
  const end = performance.now() + ms;
  let count = 0;
  while (performance.now() < end) count++;
  return count;
}

const OPTIONS: HarnessOptions = { rounds: 4, timePerRound: 20, warmupTime: 5, minIterations: 2 };

function benchCase(implementations: Implementation[], extra: Partial<BenchCase> = {}): BenchCase {
  return { suite: "test", operation: "spin", size: "1", values: 1000, implementations, ...extra };
}

describe("summarise", () => {
  it("computes the statistics of known samples", () => {
    const stats = summarise([5, 1, 4, 2, 3]);
    expect(stats.samples).toBe(5);
    expect(stats.medianMs).toBe(3);
    expect(stats.meanMs).toBe(3);
    expect(stats.minMs).toBe(1);
    expect(stats.maxMs).toBe(5);
    // Sample standard deviation sqrt(2.5); t(0.975, 4 degrees of freedom) = 2.776.
    expect(stats.rmePercent).toBeCloseTo((2.776 * Math.sqrt(2.5 / 5) / 3) * 100, 10);
    expect(stats.spread).toBeCloseTo(4 / 3, 12);
    expect(stats.noisy).toBe(true);
  });

  it("takes the middle pair's mean for an even count", () => {
    expect(summarise([4, 1, 3, 2]).medianMs).toBe(2.5);
  });

  it("reports equal samples as quiet", () => {
    const stats = summarise([2, 2, 2, 2]);
    expect(stats.rmePercent).toBe(0);
    expect(stats.spread).toBe(0);
    expect(stats.noisy).toBe(false);
  });

  it("marks noisy by margin of error alone", () => {
    const stats = summarise([1, 1.1]);
    expect(stats.spread).toBeLessThan(0.2);
    expect(stats.rmePercent).toBeCloseTo((12.706 * (Math.sqrt(0.005) / Math.sqrt(2)) / 1.05) * 100, 8);
    expect(stats.noisy).toBe(true);
  });

  it("takes the spread over round medians", () => {
    const quiet = [Array(30).fill(1), Array(30).fill(1.1)];
    const quietStats = summarise(quiet.flat(), quiet);
    expect(quietStats.roundMediansMs).toEqual([1, 1.1]);
    expect(quietStats.spread).toBeCloseTo(0.1 / 1.05, 12);
    expect(quietStats.noisy).toBe(false);

    const drifting = [Array(30).fill(1), Array(30).fill(1.3)];
    const driftingStats = summarise(drifting.flat(), drifting);
    expect(driftingStats.spread).toBeCloseTo(0.3 / 1.15, 12);
    expect(driftingStats.rmePercent).toBeLessThan(5);
    expect(driftingStats.noisy).toBe(true);
  });

  it("ignores one outlier call when rounds are given", () => {
    const rounds = [[1, 1, 1, 9], [1, 1, 1, 1]];
    expect(summarise(rounds.flat()).spread).toBe(8);
    expect(summarise(rounds.flat(), rounds).spread).toBe(0);
  });

  it("rejects empty samples", () => {
    expect(() => summarise([])).toThrow(RangeError);
  });
});

describe("runCase budgets", () => {
  it("samples a fast implementation in every round", async () => {
    const [record] = await runCase(benchCase([{ name: "fast", run: () => spin(0.05) }]), { ...OPTIONS, implementationBudgetMs: 1000 });
    expect(record!.rounds).toBe(4);
    expect(record!.budgetLimited).toBe(false);
    expect(record!.roundMediansMs).toHaveLength(4);
    expect(record!.samples).toBeGreaterThanOrEqual(8);
  });

  it("cuts a slow implementation to its budget", async () => {
    const start = performance.now();
    const [fast, slow] = await runCase(
      benchCase([{ name: "fast", run: () => spin(0.05) }, { name: "slow", run: () => spin(20) }]),
      { ...OPTIONS, implementationBudgetMs: 100 },
    );
    expect(fast!.budgetLimited).toBe(false);
    expect(slow!.budgetLimited).toBe(true);
    expect(slow!.samples).toBeGreaterThanOrEqual(1);
    expect(slow!.samples).toBeLessThanOrEqual(4);
    expect(slow!.medianMs).toBeGreaterThanOrEqual(19);
    // Unbudgeted, the slow one would take 5 + 4 * 2 * 20 ms; budgeted, probe plus 4 calls at most.
    expect(performance.now() - start).toBeLessThan(600);
  });

  it("keeps the probe as the only sample when nothing else fits", async () => {
    const [record] = await runCase(benchCase([{ name: "slow", budgetMs: 40, run: () => spin(30) }]), OPTIONS);
    expect(record!.samples).toBe(1);
    expect(record!.rounds).toBe(0);
    expect(record!.budgetLimited).toBe(true);
  });

  it("warms up after each activation when asked", async () => {
    // Calls beyond the recorded samples are the planning probe and the warm-up calls.
    const untimedCalls = async (warmupEachRound: boolean) => {
      let calls = 0;
      const impl = { name: "counted", warmupEachRound, activate: () => undefined, run: () => { calls += 1; spin(2); } };
      const [record] = await runCase(benchCase([impl]), { ...OPTIONS, implementationBudgetMs: 1000 });
      return calls - record!.samples;
    };
    const warmed = await untimedCalls(true);
    const unwarmed = await untimedCalls(false);
    // The option adds at least one warm-up call in each of the 3 rounds after the first. Round 0 has
    // about 3 warm-up calls of 2 ms either way, so without the option the difference stays near 0.
    expect(warmed - unwarmed).toBeGreaterThanOrEqual(3);
  });

  it("caps the calls at maxIterations", async () => {
    const [record] = await runCase(benchCase([{ name: "capped", maxIterations: 5, run: () => spin(0.05) }]), OPTIONS);
    expect(record!.samples).toBeLessThanOrEqual(5);
    expect(record!.budgetLimited).toBe(true);
  });

  it("shares a case budget among implementations", () => {
    const impls: Implementation[] = [1, 2, 3, 4].map((i) => ({ name: `i${i}`, run: () => i }));
    expect(implementationBudgetMs(impls[0]!, benchCase(impls), { ...OPTIONS, caseBudgetMs: 1000 })).toBe(250);
    expect(implementationBudgetMs(impls[0]!, benchCase(impls, { budgetMs: 400 }), { ...OPTIONS, caseBudgetMs: 1000 })).toBe(100);
    expect(implementationBudgetMs({ ...impls[0]!, budgetMs: 50 }, benchCase(impls), { ...OPTIONS, implementationBudgetMs: 80 })).toBe(50);
    expect(implementationBudgetMs(impls[0]!, benchCase(impls), OPTIONS)).toBe(Infinity);
  });

  it("estimates a case from its plan", () => {
    const impls: Implementation[] = [{ name: "a", run: () => 1 }, { name: "b", budgetMs: 30, run: () => 2 }];
    expect(estimateCaseMs(benchCase(impls), OPTIONS)).toBe(5 + 4 * 20 + 30);
  });

  it("records throughput and peak fraction", async () => {
    const [record] = await runCase(benchCase([{ name: "a", run: () => spin(0.05) }], { values: undefined, flops: 1e6, peakGflops: 10 }), OPTIONS);
    expect(record!.gflops).toBeCloseTo(1e6 / (record!.medianMs / 1000) / 1e9, 10);
    expect(record!.peakFraction).toBeCloseTo(record!.gflops! / 10, 12);
  });
});

describe("implementation kinds", () => {
  it("follows the name unless tagged", () => {
    const run = () => 0;
    expect(implementationKind({ name: "baseline" })).toBe("baseline");
    expect(implementationKind({ name: "lowrank simd" })).toBe("build");
    expect(implementationKind({ name: "numpy" })).toBe("numpy");
    expect(implementationKind({ name: "tfjs-wasm" })).toBe("peer");
    expect(implementationKind({ name: "lowrank-like peer", kind: "peer", run } as Implementation)).toBe("peer");
  });
});

describe("numpy helper plumbing", () => {
  it("runs the helper single-threaded without OpenBLAS overrides", () => {
    const environment = helperEnvironment({ PATH: "/bin", OPENBLAS_CORETYPE: "Haswell", OPENBLAS_L2_SIZE: "1048576", OPENBLAS_NUM_THREADS: "8" });
    expect(environment).toEqual({ PATH: "/bin", OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" });
  });

  it("splits samples into consecutive rounds", () => {
    expect(splitIntoRounds([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2], [3, 4], [5, 6, 7]]);
    expect(splitIntoRounds([1], 4)).toEqual([[1]]);
  });
});
