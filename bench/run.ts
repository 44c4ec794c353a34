/**
 * Runs the benchmark suites: `npm run bench` (all), `npm run bench -- --quick` (a small subset, about
 * a minute), `npm run bench -- --filter elementwise` (suites whose name contains the text).
 * Prints each case with ratios between implementations, and appends one JSON record per case and
 * implementation to bench/results/results.jsonl.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { formatCase, FULL_OPTIONS, QUICK_OPTIONS, runCase, type BenchCase, type CaseRecord } from "./harness.js";
import { suites } from "./suites/index.js";

function parseArguments(argv: string[]): { quick: boolean; filter: string | undefined } {
  let quick = false;
  let filter: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === "--quick") quick = true;
    else if (argument === "--filter") filter = argv[++i];
    else if (argument.startsWith("--filter=")) filter = argument.slice("--filter=".length);
    else {
      console.error(`bench: unknown argument "${argument}"; use --quick and --filter NAME`);
      process.exit(2);
    }
  }
  return { quick, filter };
}

const { quick, filter } = parseArguments(process.argv.slice(2));
const options = quick ? QUICK_OPTIONS : FULL_OPTIONS;
const resultsFolder = new URL("./results/", import.meta.url);
await mkdir(resultsFolder, { recursive: true });
const resultsFile = new URL("results.jsonl", resultsFolder);

const chosen = suites.filter((suite) => filter === undefined || suite.name.includes(filter));
if (chosen.length === 0) {
  console.error(`bench: no suite matches "${filter}"; suites: ${suites.map((suite) => suite.name).join(", ")}`);
  process.exit(2);
}
for (const suite of chosen) {
  const cases: BenchCase[] = await suite.cases({ quick });
  const suiteRecords: CaseRecord[] = [];
  for (const benchCase of cases) {
    const records = await runCase(benchCase, options);
    suiteRecords.push(...records);
    console.log(formatCase(records));
    await appendFile(resultsFile, records.map((record) => JSON.stringify(record)).join("\n") + "\n");
  }
  if (suite.summarise !== undefined) console.log(suite.summarise(suiteRecords));
}
console.log(`bench: records appended to ${resultsFile.pathname}`);
