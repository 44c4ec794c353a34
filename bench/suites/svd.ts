// The SVD on f64: thin and values-only, lowrank's wasm builds against the pure-JS baseline and
// ml-matrix, with numpy timed in the same run by bench/numpy/svd.py (one OpenBLAS thread).
import { SVD } from "ml-matrix";
import { Matrix as MlMatrix } from "ml-matrix";
import * as baseline from "../../src/baseline/index.js";
import { svd, RandomState } from "../../src/index.js";
import type { BenchCase, Implementation } from "../harness.js";
import { wasmImplementations } from "./builds.js";
import type { Suite } from "./index.js";

/** Above this many elements ml-matrix and the baseline are left out, because ml-matrix needs over 10 s at 1000 x 1000 (one run, 2-core EPYC). */
const SLOW_CONTENDER_LIMIT = 500 * 500;

export const svdSuite: Suite = {
  name: "svd",
  async cases({ quick }) {
    const shapes: Array<[number, number]> = quick ? [[100, 100], [500, 500]] : [[100, 100], [200, 200], [500, 500], [1000, 1000], [2000, 100]];
    const rng = new RandomState(1);
    const cases: BenchCase[] = [];
    for (const [m, n] of shapes) {
      const a = rng.randn(m, n);
      const slowIncluded = m * n <= SLOW_CONTENDER_LIMIT;
      for (const vectors of [true, false]) {
        const wasm = wasmImplementations(() => svd(a, { vectors }));
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
          numpy: { script: "svd.py", params: { m, n, vectors } },
          implementations: [...others, ...wasm],
        });
      }
    }
    return cases;
  },
};
