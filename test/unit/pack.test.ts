// Packs the package as npm would publish it, installs the tarball into a temporary project and uses
// it there: the exports map, the shipped wasm files, the types and the bin all have to be in place.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let folder: string | undefined;

afterAll(async () => {
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

describe("npm pack", () => {
  it("installs and imports in a new project", async () => {
    folder = await mkdtemp(join(tmpdir(), "lowrank-pack-"));
    // --ignore-scripts: the package was built by "npm test"; packing must not rebuild it.
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", folder], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const paths = packed!.files.map((file) => file.path);
    expect(paths).toContain("wasm/lowrank-simd.wasm");
    expect(paths).toContain("wasm/lowrank-scalar.wasm");
    expect(paths).toContain("dist/index.d.ts");
    expect(paths).toContain("bin/lowrank.js");
    expect(paths.some((path) => path.startsWith("src/") || path.startsWith("test/"))).toBe(false);

    const project = join(folder, "project");
    await run("mkdir", ["-p", project]);
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "user", version: "1.0.0", type: "module" }));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(folder, packed!.filename)], { cwd: project });
    expect(await readdir(join(project, "node_modules", "lowrank", "wasm"))).toContain("lowrank-simd.wasm");

    const script = [
      'import { ready, seed, randn, add, backend } from "lowrank";',
      'import { readBytes } from "lowrank/node";',
      "const info = await ready();",
      "seed(69);",
      "const w = randn(10, 10);",
      "const twice = add(w, w);",
      'const bytes = await readBytes(new URL("./package.json", import.meta.url));',
      "console.log(JSON.stringify({ name: info.name, w00: w.data[0], sum: twice.data[0], bytes: bytes.length, same: backend().name === info.name }));",
    ].join("\n");
    await writeFile(join(project, "use.mjs"), script);
    const result = JSON.parse((await run(process.execPath, ["use.mjs"], { cwd: project })).stdout);
    expect(result.w00).toBe(0.9155070985480956);
    expect(result.sum).toBe(2 * 0.9155070985480956);
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.same).toBe(true);

    const demo = await run(join(project, "node_modules", ".bin", "lowrank"), ["demo", "--json"], { cwd: project });
    expect(JSON.parse(demo.stdout).W[0][0]).toBe(0.9155070985480956);
  }, 120_000);
});
