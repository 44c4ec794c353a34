// Builds examples/vite-app against the packed package with Vite, serves the bundle and runs it in
// Chromium: the wasm files must be found after bundling.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openBrowser, type BrowserSession } from "./chromium.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const VITE = join(ROOT, "node_modules", "vite", "bin", "vite.js");
let folder: string | undefined;
let session: BrowserSession | undefined;

afterAll(async () => {
  await session?.close();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

describe("bundling with Vite", () => {
  it("finds the wasm files after a production build", async () => {
    folder = await mkdtemp(join(tmpdir(), "lowrank-vite-"));
    const app = join(folder, "app");
    await cp(join(ROOT, "examples", "vite-app"), app, { recursive: true });
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", folder], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(folder, packed!.filename)], { cwd: app });
    await run(process.execPath, [VITE, "build", "--logLevel", "warn"], { cwd: app });

    const assets = await readdir(join(app, "dist", "assets"));
    expect(assets.some((name) => name.endsWith(".wasm"))).toBe(true);

    session = await openBrowser({ root: join(app, "dist") });
    const page = await session.newPage("/");
    await page.waitForFunction(() => document.title === "done" || document.title === "failed");
    const result = JSON.parse((await page.textContent("#output"))!);
    expect(result.backend).toBe("relaxed-simd");
    expect(result.w00).toBe(0.9155070985480956);
    expect(result.doubled00).toBe(2 * 0.9155070985480956);
  }, 180_000);
});
