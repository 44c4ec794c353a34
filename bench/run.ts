/**
 * Runs the benchmark suites and writes the report.
 *
 *   npm run bench                          every suite, full timing
 *   npm run bench -- --quick               small sizes, short timing (under a minute; for CI)
 *   npm run bench -- --filter elementwise  suites whose name contains the text
 *   npm run bench -- --out DIR             write the outputs into DIR
 *   npm run bench -- --publish             also copy the report into docs/benchmarks/ (full runs only)
 *
 * Prints each case with ratios between implementations on stdout and a progress line per case on
 * stderr. Writes results.json, report.md and an SVG chart per operation into
 * bench/results/<date and time>/ (or DIR), and appends one JSON line per case and implementation to
 * bench/results/results.jsonl (or DIR/results.jsonl).
 */
import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { detectFeatures } from "../src/runtime/probe.js";
import { estimateCaseMs, formatCase, FULL_OPTIONS, machineInfo, QUICK_OPTIONS, runCase, type BenchCase, type CaseRecord } from "./harness.js";
import { measureNumpy } from "./numpy.js";
import { formatDuration, type BenchResults } from "./report/model.js";
import { publishRunOutputs, writeRunOutputs } from "./report/write.js";
import { suites } from "./suites/index.js";

const USAGE = "usage: npm run bench -- [--quick] [--filter NAME] [--out DIR] [--publish]";

interface Arguments {
  quick: boolean;
  filter: string | undefined;
  out: string | undefined;
  publish: boolean;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function parseArguments(argv: string[]): Arguments {
  const parsed: Arguments = { quick: false, filter: undefined, out: undefined, publish: false };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    const [name, inline] = argument.startsWith("--") && argument.includes("=") ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)] : [argument, undefined];
    const value = () => inline ?? argv[++i] ?? fail(`${name} needs a value; ${USAGE}`);
    if (name === "--quick") parsed.quick = true;
    else if (name === "--publish") parsed.publish = true;
    else if (name === "--filter") parsed.filter = value();
    else if (name === "--out") parsed.out = value();
    else if (name === "--help" || name === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument "${argument}"; ${USAGE}`);
  }
  if (parsed.publish && (parsed.quick || parsed.filter !== undefined)) {
    fail("--publish takes a full run of every suite; drop --quick and --filter");
  }
  return parsed;
}

/** Formats milliseconds as m:ss for progress lines. */
function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

const args = parseArguments(process.argv.slice(2));
const options = args.quick ? QUICK_OPTIONS : FULL_OPTIONS;
const chosen = suites.filter((suite) => args.filter === undefined || suite.name.includes(args.filter));
if (chosen.length === 0) fail(`no suite matches "${args.filter}"; suites: ${suites.map((suite) => suite.name).join(", ")}`);

/**
 * Turns on V8's relaxed SIMD where the engine has it behind a flag (Node 20), so that the relaxed-simd
 * build is measured too. Returns a note for the report, or undefined when the engine had it already.
 */
function enableRelaxedSimd(): string | undefined {
  if (detectFeatures().relaxedSimd) return undefined;
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  if (detectFeatures().relaxedSimd) return `relaxed SIMD was turned on with V8's --experimental-wasm-relaxed-simd (off by default in Node ${process.version})`;
  return "the relaxed-simd build was not measured: this engine does not support relaxed SIMD";
}

const startedAt = new Date();
const runStart = performance.now();
const resultsRoot = args.out ?? fileURLToPath(new URL("./results/", import.meta.url));
const runFolder = args.out ?? join(resultsRoot, startedAt.toISOString().slice(0, 19).replace(/:/g, "-"));
await mkdir(resultsRoot, { recursive: true });
const linesFile = join(resultsRoot, "results.jsonl");

const records: CaseRecord[] = [];
const notes: string[] = [];
const relaxedSimdNote = enableRelaxedSimd();
if (relaxedSimdNote !== undefined) notes.push(relaxedSimdNote);
let numpyDescription: string | undefined;
let failed = false;

for (const [suiteIndex, suite] of chosen.entries()) {
  try {
    const cases: BenchCase[] = await suite.cases({ quick: args.quick });
    const planned = cases.map((benchCase) => estimateCaseMs(benchCase, options));
    const suiteStart = performance.now();
    let plannedDone = 0;

    for (const [caseIndex, benchCase] of cases.entries()) {
      // ETA: what is left of the plan, scaled by how the plan compared with the clock so far.
      // NOTE: it covers the current suite only, because suites build their inputs when they start;
      // a whole-run ETA needs a suite to report its case count without building the inputs.
      const spent = performance.now() - suiteStart;
      const pace = plannedDone > 0 ? spent / plannedDone : 1;
      const left = planned.slice(caseIndex).reduce((sum, ms) => sum + ms, 0) * pace;
      console.error(
        `[${suite.name} ${caseIndex + 1}/${cases.length}, suite ${suiteIndex + 1}/${chosen.length}] ${benchCase.operation} ${benchCase.size}: ` +
          `${benchCase.implementations.length} implementations; elapsed ${clock(performance.now() - runStart)}, about ${clock(left)} left in this suite`,
      );

      const caseRecords = await runCase(benchCase, options);
      plannedDone += planned[caseIndex]!;
      records.push(...caseRecords);
      console.log(formatCase(caseRecords));
      await appendFile(linesFile, caseRecords.map((record) => JSON.stringify(record)).join("\n") + "\n");
    }

    if (cases.some((benchCase) => benchCase.numpy !== undefined)) {
      console.error(`[${suite.name}] numpy: timing ${cases.filter((benchCase) => benchCase.numpy !== undefined).length} cases in a Python process`);
      const numpy = await measureNumpy(cases, options);
      if (numpy.note !== undefined) {
        console.error(`[${suite.name}] ${numpy.note}`);
        notes.push(`${suite.name}: ${numpy.note}`);
      }
      numpyDescription ??= numpy.description;
      for (const record of numpy.records) {
        const baseline = records.find((other) => other.implementation === "baseline" && other.suite === record.suite && other.operation === record.operation && other.size === record.size);
        console.log(formatCase(baseline !== undefined ? [baseline, record] : [record]));
        records.push(record);
      }
      if (numpy.records.length > 0) await appendFile(linesFile, numpy.records.map((record) => JSON.stringify(record)).join("\n") + "\n");
    }
    if (suite.summarise !== undefined) {
      const summary = suite.summarise(records.filter((record) => record.suite === suite.name));
      console.log(summary);
      notes.push(summary);
    }
  } catch (error) {
    // One broken suite must not cost the figures of the others; the exit code still reports it.
    failed = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`bench: suite ${suite.name} failed: ${message}`);
    notes.push(`suite ${suite.name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const results: BenchResults = {
  date: startedAt.toISOString(),
  quick: args.quick,
  ...(args.filter !== undefined ? { filter: args.filter } : {}),
  suites: chosen.map((suite) => suite.name),
  durationMs: performance.now() - runStart,
  machine: machineInfo(),
  options,
  ...(numpyDescription !== undefined ? { numpy: numpyDescription } : {}),
  notes,
  records,
};
const written = await writeRunOutputs(runFolder, results);
console.error(`bench: finished in ${formatDuration(results.durationMs)}; wrote ${written.join(", ")} to ${runFolder}`);
if (args.publish) {
  const docsFolder = fileURLToPath(new URL("../docs/benchmarks/", import.meta.url));
  await publishRunOutputs(docsFolder, results);
  console.error(`bench: published the report to ${docsFolder}`);
}
if (failed) process.exit(1);
