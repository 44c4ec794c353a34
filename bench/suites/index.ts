// The registry of benchmark suites that bench/run.ts runs, in order.
import type { BenchCase, CaseRecord } from "../harness.js";
import { elementwiseSuite } from "./elementwise.js";
import { svdSuite } from "./svd.js";
import { matmulSuite } from "./matmul.js";
import { quantSuite } from "./quant.js";
import { loraSuite } from "./lora.js";
import { threadsSuite } from "./threads.js";

/** A suite: a name for --filter and the cases it builds (inputs are made here, outside timing). */
export interface Suite {
  name: string;
  cases(options: { quick: boolean }): Promise<BenchCase[]>;
  /** Optional text printed after the suite's cases, from all of their records (ratios, targets). */
  summarise?(records: CaseRecord[]): string;
}

export const suites: Suite[] = [elementwiseSuite, matmulSuite, svdSuite, quantSuite, loraSuite, threadsSuite];
