// The results of one benchmark run, as written to results.json, and their grouping by operation.
import { implementationKind, type CaseRecord, type HarnessOptions, type ImplementationKind, type MachineInfo } from "../harness.js";

/** Everything a run measured, with what is needed to read it; the content of results.json. */
export interface BenchResults {
  /** ISO time the run started. */
  date: string;
  quick: boolean;
  filter?: string;
  suites: string[];
  durationMs: number;
  machine: MachineInfo;
  options: HarnessOptions;
  /** numpy, Python and BLAS versions when numpy ran. */
  numpy?: string;
  /** Things a reader must know: numpy skipped, a suite failed, ... */
  notes: string[];
  records: CaseRecord[];
}

/** The records of one operation of one suite (one report section and one chart). */
export interface OperationGroup {
  suite: string;
  operation: string;
  /** File-name form of suite and operation: "elementwise-add-f64". */
  slug: string;
  /** Sizes in the order the suite ran them. */
  sizes: string[];
  /** Implementation names in the order they first appear, with their kinds. */
  implementations: { name: string; kind: ImplementationKind }[];
  records: CaseRecord[];
}

/** Returns a lower-case file-name form of a text: letters, digits and single dashes. */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/** Groups records by suite and operation, keeping the order in which they were measured. */
export function groupByOperation(records: CaseRecord[]): OperationGroup[] {
  const groups = new Map<string, OperationGroup>();
  for (const record of records) {
    const key = `${record.suite}\u0000${record.operation}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { suite: record.suite, operation: record.operation, slug: slugify(`${record.suite} ${record.operation}`), sizes: [], implementations: [], records: [] };
      groups.set(key, group);
    }
    if (!group.sizes.includes(record.size)) group.sizes.push(record.size);
    if (!group.implementations.some((impl) => impl.name === record.implementation)) {
      group.implementations.push({ name: record.implementation, kind: implementationKind({ name: record.implementation, kind: record.kind }) });
    }
    group.records.push(record);
  }
  return [...groups.values()];
}

/** Returns the throughput of a record and its unit: GFLOP/s when the case counts flops, else values/s. */
export function throughput(record: CaseRecord): { value: number; unit: "GFLOP/s" | "values/s" } | undefined {
  if (record.gflops !== undefined) return { value: record.gflops, unit: "GFLOP/s" };
  if (record.valuesPerSecond !== undefined) return { value: record.valuesPerSecond, unit: "values/s" };
  return undefined;
}

/** Returns the number a chart puts on its x axis for a record's size. */
export function sizeValue(record: CaseRecord): number | undefined {
  return record.sizeValue ?? record.values ?? record.flops;
}

/** Formats a duration given in milliseconds with a unit that keeps 3 or 4 significant digits. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toPrecision(3)} µs`;
  return `${(ms * 1e6).toPrecision(3)} ns`;
}

/** Formats a duration in milliseconds as minutes and seconds: "1 min 05 s", "42 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}
