// The number-format kernels against the numpy-made fixtures, on each build.
import { beforeAll } from "vitest";
import * as lowrank from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import { describeFixtures } from "../helpers/quant-fixtures.js";

beforeAll(loadBackend);

describeFixtures("wasm", () => lowrank);
