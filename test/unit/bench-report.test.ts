import { describe, expect, it } from "vitest";
import type { CaseRecord } from "../../bench/harness.js";
import { formatRatio, operationTable, recordNote, renderReport, summaryTable } from "../../bench/report/markdown.js";
import { formatMs, groupByOperation, slugify, type BenchResults } from "../../bench/report/model.js";
import { operationChart } from "../../bench/report/write.js";
import { findAll, parseXml } from "../helpers/xml.js";

const MACHINE = { cpu: "Test CPU", cores: 2, memoryGiB: 4, node: "v20.0.0", v8: "11.3" };

function record(implementation: string, size: string, medianMs: number, extra: Partial<CaseRecord> = {}): CaseRecord {
  const values = size === "small" ? 1000 : 1e6;
  return {
    suite: "demo",
    operation: "add f64",
    size,
    implementation,
    samples: 40,
    medianMs,
    meanMs: medianMs,
    minMs: medianMs,
    maxMs: medianMs,
    rmePercent: 1,
    spread: 0.05,
    noisy: false,
    values,
    valuesPerSecond: values / (medianMs / 1000),
    machine: MACHINE,
    date: "2025-01-02T03:04:05.000Z",
    ...extra,
  };
}

const RECORDS: CaseRecord[] = [
  record("baseline", "small", 4),
  record("lowrank simd", "small", 1),
  record("lowrank scalar", "small", 2, { noisy: true, rmePercent: 7.5 }),
  record("tfjs-wasm", "small", 2),
  record("numpy", "small", 0.5, { kind: "numpy" }),
  record("baseline", "large", 400),
  record("lowrank simd", "large", 50),
  record("lowrank scalar", "large", 100, { budgetLimited: true, samples: 3 }),
  record("tfjs-wasm", "large", 150),
];

/** Returns the cells of the table row for an implementation at a size. */
function row(table: string, size: string, implementation: string): string[] {
  const line = table.split("\n").find((text) => text.startsWith(`| ${size} | ${implementation} |`));
  if (line === undefined) throw new Error(`no row for ${size} ${implementation} in\n${table}`);
  return line.slice(2, -2).split(" | ");
}

function header(table: string): string[] {
  return table.split("\n")[0]!.slice(2, -2).split(" | ");
}

const RESULTS: BenchResults = {
  date: "2025-01-02T03:04:05.000Z",
  quick: false,
  suites: ["demo"],
  durationMs: 65_000,
  machine: MACHINE,
  options: { rounds: 4, timePerRound: 250, warmupTime: 150, minIterations: 3 },
  numpy: "numpy 2.4.6, Python 3.11.7, OpenBLAS, single-threaded",
  notes: ["quant: numpy skipped: python3 was not found"],
  records: RECORDS,
};

describe("report ratios", () => {
  const table = operationTable(groupByOperation(RECORDS)[0]!);

  it("compares with the baseline and each peer", () => {
    expect(header(table)).toEqual(["size", "implementation", "median", "±RME", "spread", "values/s", "vs baseline", "vs tfjs-wasm", "vs numpy", "note"]);
  });

  it("divides the other median by this one", () => {
    const simd = row(table, "small", "lowrank simd");
    expect(simd.slice(6, 9)).toEqual(["4.00x", "2.00x", "0.50x"]);
    expect(row(table, "large", "lowrank simd").slice(6, 8)).toEqual(["8.00x", "3.00x"]);
  });

  it("leaves a row's own column and missing peers empty", () => {
    expect(row(table, "small", "baseline")[6]).toBe("");
    expect(row(table, "large", "lowrank simd")[8]).toBe("");
  });

  it("shows the median time and throughput", () => {
    const simd = row(table, "small", "lowrank simd");
    expect(simd[2]).toBe("1.00 ms");
    expect(simd[5]).toBe("1M");
  });

  it("rounds large ratios to fewer decimals", () => {
    expect(formatRatio(record("a", "small", 1), record("b", "small", 12.34))).toBe("12.3x");
    expect(formatRatio(record("a", "small", 1), record("b", "small", 123.4))).toBe("123x");
    expect(formatRatio(record("a", "small", 1), undefined)).toBe("");
  });
});

describe("report notes", () => {
  const table = operationTable(groupByOperation(RECORDS)[0]!);

  it("marks noisy rows", () => {
    expect(row(table, "small", "lowrank scalar").at(-1)).toBe("**noisy**");
    expect(row(table, "small", "lowrank simd").at(-1)).toBe("");
    expect(row(table, "small", "lowrank scalar")[3]).toBe("7.5 %");
  });

  it("marks budget-limited rows", () => {
    expect(row(table, "large", "lowrank scalar").at(-1)).toBe("budget: 3 samples");
    expect(recordNote(record("a", "small", 1, { noisy: true, budgetLimited: true, samples: 1 }))).toBe("**noisy**, budget: 1 sample");
  });

  it("adds a peak column only when a peak exists", () => {
    expect(header(table)).not.toContain("of peak");
    const gemm = [
      record("baseline", "small", 10, { values: undefined, valuesPerSecond: undefined, flops: 2e9, gflops: 200, peakGflops: 400, peakFraction: 0.5 }),
      record("lowrank simd", "small", 5, { values: undefined, valuesPerSecond: undefined, flops: 2e9, gflops: 400, peakGflops: 400, peakFraction: 1 }),
    ];
    const gemmTable = operationTable(groupByOperation(gemm)[0]!);
    expect(header(gemmTable)).toContain("of peak");
    expect(header(gemmTable)).toContain("GFLOP/s");
    expect(row(gemmTable, "small", "lowrank simd").slice(5, 7)).toEqual(["400", "100 %"]);
  });
});

describe("report document", () => {
  const markdown = renderReport(RESULTS);

  it("states the machine, date and run", () => {
    expect(markdown).toContain("Measured 2025-01-02");
    expect(markdown).toContain("Test CPU, 2 cores, 4 GiB; Node v20.0.0");
    expect(markdown).toContain("numpy 2.4.6");
    expect(markdown).toContain("the run took 1 min 05 s");
    expect(markdown).toContain("- quant: numpy skipped: python3 was not found");
  });

  it("links one chart per operation", () => {
    const other = RECORDS.map((entry) => ({ ...entry, operation: "add f32" }));
    const twoOperations = renderReport({ ...RESULTS, records: [...RECORDS, ...other] });
    expect(twoOperations).toContain("](demo-add-f64.svg)");
    expect(twoOperations).toContain("](demo-add-f32.svg)");
    expect(twoOperations.match(/^## demo: /gm)).toHaveLength(2);
  });

  it("summarises the fastest build at the largest size", () => {
    const summary = summaryTable(groupByOperation(RECORDS));
    expect(summary).toContain("| demo: add f64 | large | lowrank simd | 8.00x baseline, 3.00x tfjs-wasm |");
  });
});

describe("report chart", () => {
  it("draws one line per implementation with size labels", () => {
    const root = parseXml(operationChart(groupByOperation(RECORDS)[0]!));
    const names = findAll(root, (element) => element.attributes.class === "series").map((group) => group.attributes["data-name"]);
    expect(names).toEqual(["baseline", "lowrank simd", "lowrank scalar", "tfjs-wasm", "numpy"]);
    const texts = findAll(root, (element) => element.name === "text").map((element) => element.text);
    expect(texts).toEqual(expect.arrayContaining(["small", "large", "values/s"]));
  });
});

describe("report helpers", () => {
  it("slugifies operation names", () => {
    expect(slugify("quant NF4 → f32 (blocks)")).toBe("quant-nf4-f32-blocks");
  });

  it("formats durations with a fitting unit", () => {
    expect([formatMs(1500), formatMs(2.5), formatMs(0.0123), formatMs(0.0000045)]).toEqual(["1.50 s", "2.50 ms", "12.3 µs", "4.50 ns"]);
  });
});
