// The SVD on f64: thin and values-only, lowrank's wasm builds against the pure-JS baseline and
// ml-matrix, with numpy timed in the same run by a child Python process (one OpenBLAS thread).
import { spawnSync } from "node:child_process";
import { SVD } from "ml-matrix";
import { Matrix as MlMatrix } from "ml-matrix";
import * as baseline from "../../src/baseline/index.js";
import { ready, svd, RandomState, type BackendName } from "../../src/index.js";
import { detectFeatures } from "../../src/runtime/probe.js";
import type { BenchCase, Implementation } from "../harness.js";
import type { Suite } from "./index.js";

/** Above this many elements ml-matrix and the baseline are left out, because ml-matrix needs over 10 s at 1000 x 1000 (one run, 2-core EPYC). */
const SLOW_CONTENDER_LIMIT = 500 * 500;

function availableBackends(): BackendName[] {
  const engine = detectFeatures();
  return [...(engine.simd ? ["simd" as const] : []), "scalar"];
}

interface NumpyTimes {
  numpy: string;
  config: string;
  cases: Record<string, { thin: number; values: number }>;
}

/**
 * Runs bench/python/svd_numpy.py with OPENBLAS_NUM_THREADS=1 and without OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE (which this machine's environment sets and which slow OpenBLAS down), in that child
 * process only. Returns undefined, with a note, when python3 or numpy is missing.
 */
function timeNumpy(shapes: string[]): NumpyTimes | undefined {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1" };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const script = new URL("../python/svd_numpy.py", import.meta.url).pathname;
  const child = spawnSync("python3", [script, ...shapes], { env, encoding: "utf8", timeout: 600_000 });
  if (child.error !== undefined || child.status !== 0) {
    console.log(`svd: numpy skipped (python3 with numpy not available: ${child.error?.message ?? child.stderr.trim().split("\n").pop()})`);
    return undefined;
  }
  return JSON.parse(child.stdout) as NumpyTimes;
}

export const svdSuite: Suite = {
  name: "svd",
  async cases({ quick }) {
    const shapes: Array<[number, number]> = quick ? [[100, 100], [500, 500]] : [[100, 100], [200, 200], [500, 500], [1000, 1000], [2000, 100]];
    const numpy = timeNumpy(shapes.map(([m, n]) => `${m}x${n}`));
    if (numpy !== undefined) {
      const blas = numpy.config.split("\n").filter((line) => /name:|openblas configuration|version:/i.test(line)).slice(0, 6).map((line) => line.trim());
      console.log(`svd: numpy ${numpy.numpy}, one thread; BLAS from numpy.show_config(): ${blas.join("; ")}`);
      for (const [shape, times] of Object.entries(numpy.cases)) {
        console.log(`svd: numpy ${shape}: thin ${times.thin.toFixed(2)} ms, values-only ${times.values.toFixed(2)} ms`);
      }
    }

    const rng = new RandomState(1);
    const cases: BenchCase[] = [];
    for (const [m, n] of shapes) {
      const a = rng.randn(m, n);
      const slowIncluded = m * n <= SLOW_CONTENDER_LIMIT;
      for (const vectors of [true, false]) {
        const wasm: Implementation[] = availableBackends().map((name) => ({
          name: `lowrank ${name}`,
          activate: () => ready({ backend: name }),
          run: () => svd(a, { vectors }),
        }));
        const others: Implementation[] = [];
        if (slowIncluded) {
          others.push({ name: "baseline", run: () => baseline.svd(a, { vectors }) });
          const rows = Array.from({ length: m }, (_, i) => Array.from(a.data.subarray(i * n, (i + 1) * n)));
          const ml = new MlMatrix(rows);
          others.push({
            name: "ml-matrix",
            run: () => new SVD(ml, { autoTranspose: true, computeLeftSingularVectors: vectors, computeRightSingularVectors: vectors }),
          });
        }
        cases.push({
          suite: "svd",
          operation: vectors ? "svd thin f64" : "svd values f64",
          size: `${m}x${n}`,
          implementations: [...others, ...wasm],
        });
      }
    }
    return cases;
  },
};
