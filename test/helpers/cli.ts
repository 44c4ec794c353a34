// Runs the built command line (bin/lowrank.js, after `npm run build`) as a child process, as a user
// would, for the CLI tests.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect } from "vitest";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../bin/lowrank.js", import.meta.url));

/** Runs the built command line; resolves to its output and exit code whether it succeeds or fails. */
export async function lowrank(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** Runs a command with --json and parses its output, expecting exit code 0 and nothing on stderr. */
export async function json(...args: string[]): Promise<any> {
  const { stdout, stderr, code } = await lowrank(...args, "--json");
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

/** Expects a failure: the exit code, and one line on stderr matching `pattern`, with no stack trace. */
export async function expectFailure(code: number, pattern: RegExp, ...args: string[]): Promise<void> {
  const result = await lowrank(...args);
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^lowrank: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}
