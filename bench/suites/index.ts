// The registry of benchmark suites that bench/run.ts runs, in order.
import type { BenchCase } from "../harness.js";
import { elementwiseSuite } from "./elementwise.js";
import { quantSuite } from "./quant.js";

/** A suite: a name for --filter and the cases it builds (inputs are made here, outside timing). */
export interface Suite {
  name: string;
  cases(options: { quick: boolean }): Promise<BenchCase[]>;
}

export const suites: Suite[] = [elementwiseSuite, quantSuite];
