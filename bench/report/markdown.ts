// The Markdown report of a benchmark run: a summary, then per operation a chart and a table.
import type { CaseRecord } from "../harness.js";
import { formatDuration, formatMs, groupByOperation, throughput, type BenchResults, type OperationGroup } from "./model.js";
import { formatSi } from "./svg.js";

/** Returns how many times faster `record` is than `other` (other's median time over record's), e.g. "3.20x". */
export function formatRatio(record: CaseRecord, other: CaseRecord | undefined): string {
  if (other === undefined || record === other) return "";
  const ratio = other.medianMs / record.medianMs;
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}x`;
}

/** Returns the note of a record: "noisy" and the budget cut, or "". */
export function recordNote(record: CaseRecord): string {
  const notes: string[] = [];
  if (record.noisy) notes.push("**noisy**");
  if (record.budgetLimited) notes.push(`budget: ${record.samples} sample${record.samples === 1 ? "" : "s"}`);
  return notes.join(", ");
}

function formatPeakFraction(record: CaseRecord): string {
  if (record.peakFraction === undefined) return "";
  return `${(record.peakFraction * 100).toFixed(0)} %`;
}

function formatThroughput(record: CaseRecord): string {
  const rate = throughput(record);
  if (rate === undefined) return "";
  return rate.unit === "GFLOP/s" ? rate.value.toPrecision(3) : formatSi(rate.value);
}

/** Names of the implementations an operation's rows are compared with: the baseline, then each peer and numpy. */
function comparedWith(group: OperationGroup): string[] {
  return group.implementations.filter((impl) => impl.kind !== "build").map((impl) => impl.name);
}

/** Renders one operation's table: a row per size and implementation. */
export function operationTable(group: OperationGroup): string {
  const references = comparedWith(group);
  const unit = group.records.map(throughput).find((rate) => rate !== undefined)?.unit;
  const withPeak = group.records.some((record) => record.peakFraction !== undefined);
  const header = ["size", "implementation", "median", "±RME", "spread", ...(unit !== undefined ? [unit] : []), ...(withPeak ? ["of peak"] : []), ...references.map((name) => `vs ${name}`), "note"];
  const align = ["---", "---", "--:", "--:", "--:", ...(unit !== undefined ? ["--:"] : []), ...(withPeak ? ["--:"] : []), ...references.map(() => "--:"), "---"];
  const lines = [`| ${header.join(" | ")} |`, `|${align.join("|")}|`];

  for (const size of group.sizes) {
    const rows = group.records.filter((record) => record.size === size);
    for (const record of rows) {
      const cells = [
        size,
        record.implementation,
        formatMs(record.medianMs),
        `${record.rmePercent.toFixed(1)} %`,
        `${(record.spread * 100).toFixed(0)} %`,
        ...(unit !== undefined ? [formatThroughput(record)] : []),
        ...(withPeak ? [formatPeakFraction(record)] : []),
        ...references.map((name) => formatRatio(record, rows.find((row) => row.implementation === name))),
        recordNote(record),
      ];
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
  return lines.join("\n");
}

/**
 * Renders the summary: per operation, at its largest size, the fastest lowrank build and how many
 * times faster it is than the baseline and each peer.
 */
export function summaryTable(groups: OperationGroup[]): string {
  const lines = ["| operation | size | fastest build | compared with |", "|---|---|---|---|"];
  for (const group of groups) {
    const size = group.sizes[group.sizes.length - 1]!;
    const rows = group.records.filter((record) => record.size === size);
    const builds = rows.filter((record) => group.implementations.find((impl) => impl.name === record.implementation)?.kind === "build");
    if (builds.length === 0) continue;
    const fastest = builds.reduce((best, record) => (record.medianMs < best.medianMs ? record : best));
    const ratios = comparedWith(group)
      .map((name) => rows.find((row) => row.implementation === name))
      .filter((record): record is CaseRecord => record !== undefined)
      .map((record) => `${formatRatio(fastest, record)} ${record.implementation}`);
    lines.push(`| ${group.suite}: ${group.operation} | ${size} | ${fastest.implementation}${fastest.noisy ? " (noisy)" : ""} | ${ratios.join(", ")} |`);
  }
  return lines.join("\n");
}

/** Renders the whole report; charts are referenced as `<slug>.svg` beside the report. */
export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const groups = groupByOperation(results.records);
  const run = results.quick ? "quick run (`--quick`: small sizes, short timing; not for comparisons)" : "full run";
  const lines = [
    `# lowrank benchmarks`,
    ``,
    `Measured ${results.date.slice(0, 10)} (${results.date}), ${run}${results.filter !== undefined ? `, suites matching "${results.filter}"` : ""}: ${results.suites.join(", ")}; the run took ${formatDuration(results.durationMs)}.`,
    ``,
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node} (V8 ${machine.v8}).`,
    `lowrank's builds run on one thread.${results.numpy !== undefined ? ` numpy: ${results.numpy}.` : ""}`,
    ``,
    `How to read it: the figures that count are the ratios, measured in this one run. Implementations were`,
    `interleaved round by round (${results.options.rounds} rounds of ${results.options.timePerRound} ms each, after ${results.options.warmupTime} ms of warm-up), so that`,
    `drift of the machine hits all of them alike; numpy ran in a separate process after each suite. "vs X" is`,
    `X's median time divided by this row's: 2.00x means this row is twice as fast as X. ±RME is the 95 %`,
    `margin of error of the mean; spread is (max - min) / median of the round medians (numpy's samples are`,
    `cut into as many consecutive runs); a row is **noisy** when RME > 5 % or spread > 20 %. "budget" marks`,
    `an implementation that its time budget cut to fewer samples.`,
    ``,
  ];
  if (results.notes.length > 0) lines.push(`Notes:`, ``, ...results.notes.map((note) => `- ${note}`), ``);
  lines.push(`## Summary`, ``, `At each operation's largest size:`, ``, summaryTable(groups), ``);

  for (const group of groups) {
    lines.push(`## ${group.suite}: ${group.operation}`, ``);
    lines.push(`![${group.suite} ${group.operation}: throughput against size](${group.slug}.svg)`, ``);
    lines.push(operationTable(group), ``);
  }
  return lines.join("\n");
}
