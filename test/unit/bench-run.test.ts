// Runs bench/run.ts as a user would, in a child process, with its outputs in a temporary folder.
// It loads the wasm builds, so `npm run build:wasm` must have run (npm test does).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { CaseRecord } from "../../bench/harness.js";
import type { BenchResults } from "../../bench/report/model.js";
import { findAll, parseXml } from "../helpers/xml.js";

const execute = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const folders: string[] = [];

/** Runs `bench/run.ts` with arguments; resolves to its output and exit code whether it succeeds or fails. */
async function bench(args: string[], environment: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await execute(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], { cwd: ROOT, env: { ...process.env, ...environment } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

async function temporaryFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "lowrank-bench-"));
  folders.push(folder);
  return folder;
}

afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe("npm run bench --quick", () => {
  it("writes every output for the elementwise suite", async () => {
    const out = await temporaryFolder();
    const { stdout, stderr, code } = await bench(["--quick", "--filter", "elementwise", "--out", out]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("elementwise add f64 256x256");
    expect(stderr).toMatch(/^\[elementwise 1\/2, suite 1\/1\] add f64 256x256: \d+ implementations; elapsed 0:\d\d, about \d+:\d\d left/m);

    const files = await readdir(out);
    expect(files.sort()).toEqual(["elementwise-add-f32.svg", "elementwise-add-f64.svg", "report.md", "results.json", "results.jsonl"]);

    const results = JSON.parse(await readFile(join(out, "results.json"), "utf8")) as BenchResults;
    expect(results.quick).toBe(true);
    expect(results.suites).toEqual(["elementwise"]);
    expect(results.machine.node).toBe(process.version);
    expect(results.machine.cpu.length).toBeGreaterThan(0);
    const implementations = new Set(results.records.map((record) => record.implementation));
    expect(implementations).toContain("baseline");
    expect(implementations).toContain("lowrank scalar");
    for (const record of results.records) {
      expect(record.medianMs).toBeGreaterThan(0);
      expect(record.valuesPerSecond).toBeGreaterThan(0);
      expect(typeof record.noisy).toBe("boolean");
    }
    // numpy adds its rows when python3 has numpy; otherwise the report notes why it is missing.
    const hasNumpy = implementations.has("numpy");
    if (!hasNumpy) expect(results.notes.join("\n")).toMatch(/numpy skipped/);

    const report = await readFile(join(out, "report.md"), "utf8");
    expect(report).toContain("## elementwise: add f64");
    expect(report).toContain("](elementwise-add-f64.svg)");
    expect(report).toContain("| vs baseline |");

    const chart = parseXml(await readFile(join(out, "elementwise-add-f64.svg"), "utf8"));
    const series = findAll(chart, (element) => element.attributes.class === "series").map((group) => group.attributes["data-name"]);
    expect(new Set(series)).toEqual(implementations);

    const lines = (await readFile(join(out, "results.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as CaseRecord);
    expect(lines).toHaveLength(results.records.length);
  });

  it("notes a missing python3 and still writes the report", async () => {
    const out = await temporaryFolder();
    const { stderr, code } = await bench(["--quick", "--filter", "elementwise", "--out", out], { LOWRANK_PYTHON: "/nonexistent/python3" });
    expect(code, stderr).toBe(0);
    const report = await readFile(join(out, "report.md"), "utf8");
    expect(report).toContain("numpy skipped for elementwise.py: /nonexistent/python3 was not found");
    expect(report).not.toMatch(/\| numpy \|/);
  });

  it("rejects unknown arguments and filters", async () => {
    const unknown = await bench(["--fast"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown argument "--fast"');
    const noSuite = await bench(["--quick", "--filter", "no-such-suite"]);
    expect(noSuite.code).toBe(2);
    expect(noSuite.stderr).toContain('no suite matches "no-such-suite"');
    const publishQuick = await bench(["--quick", "--publish"]);
    expect(publishQuick.code).toBe(2);
    expect(publishQuick.stderr).toContain("--publish takes a full run");
  });
});
