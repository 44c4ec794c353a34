// The wasm builds a suite times: every build this engine can run, each loaded in its own `activate`
// hook so that interleaved rounds always run the build they name.
import { ready, type BackendName } from "../../src/index.js";
import { detectFeatures } from "../../src/runtime/probe.js";
import type { Implementation } from "../harness.js";

/** Returns the builds this engine runs, best first: relaxed-simd, simd, scalar. */
export function availableBackends(): BackendName[] {
  const engine = detectFeatures();
  const builds: BackendName[] = [];
  if (engine.relaxedSimd) builds.push("relaxed-simd");
  if (engine.simd) builds.push("simd");
  builds.push("scalar");
  return builds;
}

/** Returns one implementation per available build, named "lowrank <build>", all timing `run`. */
export function wasmImplementations(run: () => unknown): Implementation[] {
  return availableBackends().map((name) => ({ name: `lowrank ${name}`, activate: () => ready({ backend: name }), run }));
}
