import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import walkthrough from "../fixtures/seed-walkthrough.json" with { type: "json" };

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../bin/lowrank.js", import.meta.url));

/** Runs the built command line; resolves to its output and exit code whether it succeeds or fails. */
async function lowrank(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe("lowrank demo", () => {
  it("--json carries numpy's W and the sizes", async () => {
    const { stdout, code } = await lowrank("demo", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.shape).toEqual(walkthrough.shape);
    expect(Float64Array.from(report.W.flat())).toEqualBits(Float64Array.from(walkthrough.W.flat()));
    const float64 = report.sizes.find((size: { format: string }) => size.format === "float64");
    expect(float64.bytes).toBe(walkthrough.sizes.W_float64_bytes);
    expect(float64.kilobytes).toBe(walkthrough.sizes.W_float64_KB_1024);
    const float32 = report.sizes.find((size: { format: string }) => size.format === "float32");
    expect(float32.bytes).toBe(walkthrough.sizes.W_float64_bytes / 2);
  });

  it("prints W and a size table for a person", async () => {
    const { stdout, code } = await lowrank("demo");
    expect(code).toBe(0);
    expect(stdout).toContain("0.9155071");
    expect(stdout).toMatch(/float64\s+8\s+800\s+0\.78125/);
    expect(stdout).toMatch(/float32\s+4\s+400\s+0\.390625/);
  });

  it("bad arguments exit 2 with one line", async () => {
    for (const args of [["demo", "--size", "x"], ["demo", "--bogus"], ["frobnicate"], ["demo", "--size", "0"]]) {
      const { stderr, code } = await lowrank(...args);
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(/^lowrank: /);
    }
  });

  it("--help describes the options", async () => {
    const { stdout, code } = await lowrank("demo", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("--seed N");
  });
});
