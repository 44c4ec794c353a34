/**
 * numpy's figures for the report, from helper scripts in bench/numpy/ run as child processes.
 *
 * How a suite adds numpy cases:
 * 1. Write `bench/numpy/<suite>.py`. It imports `timing` first (which reports a missing numpy as a
 *    skip), then numpy, defines `make_case(params)` returning a zero-argument callable with its inputs
 *    already made, and ends with `timing.main(make_case)`. `bench/numpy/elementwise.py` is the example.
 * 2. Give each BenchCase a `numpy: { script: "<suite>.py", params: { ... } }` field; `params` is the
 *    JSON object `make_case` receives (shape, dtype, operation).
 * bench/run.ts then runs each script once per suite, after the suite's own cases, and adds a "numpy"
 * record to each case. numpy is therefore not interleaved with the JavaScript implementations.
 *
 * Protocol: the script reads `{ timeMs, minIterations, warmupMs, budgetMs, cases: [{ id, params }] }`
 * on stdin and prints `{ numpy, python, blas, cases: [{ id, samplesMs, budgetLimited }] }` or
 * `{ skipped: "reason" }` on stdout. The timing loop in bench/numpy/timing.py follows runCase's plan
 * (a probe call, then the standard time or what fits in the budget) without the rounds.
 *
 * The child runs single-threaded (OPENBLAS_NUM_THREADS=1), as the wasm builds are, and without
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set and which slow OpenBLAS down; only
 * the child's environment changes. The interpreter is `python3`, or LOWRANK_PYTHON when set.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { caseRates, implementationBudgetMs, machineInfo, summarise, type BenchCase, type CaseRecord, type HarnessOptions } from "./harness.js";

/** Outcome of a numpy run: records, or the reason there are none. */
export interface NumpyResult {
  records: CaseRecord[];
  /** numpy, Python and BLAS versions, e.g. "numpy 2.4.6, Python 3.11.7, scipy-openblas 0.3.31, kernel SkylakeX". */
  description?: string;
  /** Reason numpy was skipped or failed, for the report. */
  note?: string;
}

interface HelperResponse {
  skipped?: string;
  numpy?: string;
  python?: string;
  blas?: string;
  cases?: { id: string; samplesMs: number[]; budgetLimited: boolean }[];
}

/**
 * Splits samples in time order into `rounds` consecutive runs of nearly equal length, standing in for
 * rounds (numpy is not interleaved) so that its spread measures drift as the harness's does.
 */
export function splitIntoRounds(samples: number[], rounds: number): number[][] {
  const count = Math.max(1, Math.min(rounds, samples.length));
  return Array.from({ length: count }, (_, index) => samples.slice(Math.floor((index * samples.length) / count), Math.floor(((index + 1) * samples.length) / count)));
}

const HELPER_FOLDER = new URL("./numpy/", import.meta.url);

/** Returns the environment of the helper process: this one's, single-threaded, without the OpenBLAS overrides. */
export function helperEnvironment(environment: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...environment, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
  delete child.OPENBLAS_CORETYPE;
  delete child.OPENBLAS_L2_SIZE;
  return child;
}

/** Runs a helper script with a JSON request on stdin; resolves with its stdout, or rejects with a message. */
function runHelper(python: string, script: string, request: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [fileURLToPath(new URL(script, HELPER_FOLDER))], { env: helperEnvironment(), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === "ENOENT" ? `${python} was not found` : `${python} failed to start: ${error.message}`));
    });
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${python} ${script} exited with code ${code}: ${stderr.trim().split("\n").slice(-3).join(" ")}`));
    });
    child.stdin.on("error", () => {}); // an early exit closes stdin; the close handler reports it
    child.stdin.end(JSON.stringify(request));
  });
}

/**
 * Times the numpy counterparts of `cases` (those with a `numpy` field), one helper process per script.
 * A missing python3 or numpy, a failing helper or unreadable output gives a note and no records of
 * that script, not an error.
 */
export async function measureNumpy(cases: BenchCase[], options: HarnessOptions): Promise<NumpyResult> {
  const withNumpy = cases.filter((benchCase) => benchCase.numpy !== undefined);
  if (withNumpy.length === 0) return { records: [] };
  const python = process.env.LOWRANK_PYTHON ?? "python3";
  const byScript = new Map<string, BenchCase[]>();
  for (const benchCase of withNumpy) {
    const script = benchCase.numpy!.script;
    byScript.set(script, [...(byScript.get(script) ?? []), benchCase]);
  }

  const records: CaseRecord[] = [];
  let description: string | undefined;
  const notes: string[] = [];
  const machine = machineInfo();
  for (const [script, scriptCases] of byScript) {
    // One budget for the whole script: the smallest a JavaScript implementation of its cases gets.
    const numpyStandIn = { name: "numpy", run: () => undefined };
    const budgetMs = Math.min(...scriptCases.map((benchCase) => implementationBudgetMs(numpyStandIn, { ...benchCase, implementations: [...benchCase.implementations, numpyStandIn] }, options)));
    const request = {
      timeMs: options.rounds * options.timePerRound,
      minIterations: options.rounds * options.minIterations,
      warmupMs: options.warmupTime,
      budgetMs: Number.isFinite(budgetMs) ? budgetMs : 1e12,
      cases: scriptCases.map((benchCase, index) => ({ id: String(index), params: benchCase.numpy!.params })),
    };

    let response: HelperResponse;
    try {
      response = JSON.parse(await runHelper(python, script, request)) as HelperResponse;
    } catch (error) {
      notes.push(`numpy skipped for ${script}: ${(error as Error).message}`);
      continue;
    }
    if (response.skipped !== undefined) {
      notes.push(`numpy skipped: ${response.skipped}`);
      continue;
    }
    description = `numpy ${response.numpy}, Python ${response.python}, ${response.blas}, single-threaded`;

    const date = new Date().toISOString();
    for (const result of response.cases ?? []) {
      const benchCase = scriptCases[Number(result.id)]!;
      const stats = summarise(result.samplesMs, splitIntoRounds(result.samplesMs, options.rounds));
      records.push({
        suite: benchCase.suite,
        operation: benchCase.operation,
        size: benchCase.size,
        implementation: "numpy",
        kind: "numpy",
        ...stats,
        rounds: Math.min(options.rounds, result.samplesMs.length),
        budgetLimited: result.budgetLimited,
        ...caseRates(benchCase, stats.medianMs),
        machine,
        date,
      });
    }
  }
  return {
    records,
    ...(description !== undefined ? { description } : {}),
    ...(notes.length > 0 ? { note: [...new Set(notes)].join("; ") } : {}),
  };
}
