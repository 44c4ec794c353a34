// Loads the build the vitest project names (LOWRANK_BACKEND), so that one test file runs on each build.
import { ready, type BackendInfo, type BackendName } from "../../src/index.js";

/** The build under test: the project's LOWRANK_BACKEND, or the best available when unset. */
export const BACKEND_UNDER_TEST = process.env.LOWRANK_BACKEND as BackendName | undefined;

/** Loads the build under test; call it in beforeAll. */
export function loadBackend(): Promise<BackendInfo> {
  return ready(BACKEND_UNDER_TEST === undefined ? undefined : { backend: BACKEND_UNDER_TEST });
}
