// Lowers the SVD and QR kernels' block sizes and crossovers (assembly/svd/params.ts) for a test, so
// that small matrices reach the blocked paths, and restores the defaults after.
import { currentRuntime } from "../../src/runtime/state.js";

export interface SvdParams {
  bidiagBlock?: number;
  bidiagCrossover?: number;
  reflectorBlock?: number;
  reflectorCrossover?: number;
  divideCrossover?: number;
  divideLeaf?: number;
}

/** Sets the given parameters in the loaded build; the others keep their values. */
export function setSvdParams(params: SvdParams): void {
  const runtime = currentRuntime();
  if (runtime === undefined) throw new Error("setSvdParams: no build is loaded");
  const { exports } = runtime;
  exports.svd_set_params(
    params.bidiagBlock ?? 0,
    params.bidiagCrossover ?? 0,
    params.reflectorBlock ?? 0,
    params.reflectorCrossover ?? 0,
    params.divideCrossover ?? 0,
    params.divideLeaf ?? 0,
  );
}

/** Restores every parameter's default in the loaded build. */
export function resetSvdParams(): void {
  currentRuntime()?.exports.svd_reset_params();
}
