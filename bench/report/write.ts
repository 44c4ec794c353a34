// Writes a run's outputs: results.json, report.md and one SVG chart per operation.
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderReport } from "./markdown.js";
import { groupByOperation, sizeValue, throughput, type BenchResults, type OperationGroup } from "./model.js";
import { lineChart } from "./svg.js";

/** Draws an operation's chart: throughput against size, one line per implementation, noisy points hollow. */
export function operationChart(group: OperationGroup): string {
  const unit = group.records.map(throughput).find((rate) => rate !== undefined)?.unit ?? "calls/s";
  const xTickLabels = new Map<number, string>();
  const series = group.implementations.map((impl) => ({
    name: impl.name,
    points: group.records
      .filter((record) => record.implementation === impl.name)
      .map((record) => {
        const x = sizeValue(record) ?? group.sizes.indexOf(record.size) + 1;
        xTickLabels.set(x, record.size);
        return { x, y: throughput(record)?.value ?? 1000 / record.medianMs, hollow: record.noisy };
      }),
  }));
  return lineChart({
    title: `${group.suite}: ${group.operation}`,
    xLabel: "size",
    yLabel: unit,
    series,
    xTickLabels,
    legendNote: "hollow marker: noisy",
  });
}

/** Writes results.json, report.md and `<slug>.svg` per operation into `folder`; returns the file names. */
export async function writeRunOutputs(folder: string, results: BenchResults): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const files: [string, string][] = [
    ["results.json", JSON.stringify(results, null, 2) + "\n"],
    ["report.md", renderReport(results)],
    ...groupByOperation(results.records).map((group): [string, string] => [`${group.slug}.svg`, operationChart(group)]),
  ];
  for (const [name, content] of files) await writeFile(join(folder, name), content);
  return files.map(([name]) => name);
}

/**
 * Replaces the published report in `folder` (docs/benchmarks/) with this run's outputs: the old
 * report.md, results.json and SVGs go, so charts of operations that no longer exist do not linger.
 */
export async function publishRunOutputs(folder: string, results: BenchResults): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  for (const name of await readdir(folder)) {
    if (name === "report.md" || name === "results.json" || name.endsWith(".svg")) await rm(join(folder, name));
  }
  return writeRunOutputs(folder, results);
}
