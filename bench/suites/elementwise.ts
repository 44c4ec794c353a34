// Elementwise add on f64 and f32: each wasm build (copies in and out included) against the baseline,
// and numpy's np.add(a, b, out=out) on the same shapes (bench/numpy/elementwise.py).
import * as baseline from "../../src/baseline/index.js";
import { add, ready, RandomState, type BackendName, type Matrix } from "../../src/index.js";
import { availableBackends } from "./builds.js";
import type { BenchCase, Implementation } from "../harness.js";
import type { Suite } from "./index.js";

export const elementwiseSuite: Suite = {
  name: "elementwise",
  async cases({ quick }) {
    const sizes = quick ? [256] : [64, 256, 1024];
    const rng = new RandomState(1);
    const cases: BenchCase[] = [];
    for (const dtype of ["f64", "f32"] as const) {
      for (const n of sizes) {
        const source = rng.randn(n, n);
        const a: Matrix = dtype === "f64" ? source : { rows: n, cols: n, data: Float32Array.from(source.data) };
        const b: Matrix = { rows: n, cols: n, data: a.data.slice().reverse() };
        const out: Matrix = { rows: n, cols: n, data: a.data.slice() };
        const wasm: Implementation[] = availableBackends().map((name) => ({
          name: `lowrank ${name}`,
          kind: "build",
          activate: () => ready({ backend: name }),
          run: () => add(a, b, { out }),
        }));
        cases.push({
          suite: "elementwise",
          operation: `add ${dtype}`,
          size: `${n}x${n}`,
          values: n * n,
          numpy: { script: "elementwise.py", params: { operation: "add", dtype, rows: n, cols: n } },
          implementations: [{ name: "baseline", kind: "baseline", run: () => baseline.add(a, b, { out }) }, ...wasm],
        });
      }
    }
    return cases;
  },
};
