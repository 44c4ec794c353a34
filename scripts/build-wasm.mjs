// Compiles assembly/ into one WebAssembly module per target of asconfig.json (simd, scalar,
// relaxed-simd, threads, threads-relaxed), all in one process: the compiler's JS API saves its
// start-up cost per extra target. The threads and threads-relaxed targets are the simd and
// relaxed-simd builds with a shared memory whose maximum is 65,536 pages (4 GiB, all wasm32
// addresses). src/runtime/load.ts creates the memory with that maximum or less.
// Usage: node scripts/build-wasm.mjs [target ...]   (every target when none is named)
import asc from "assemblyscript/asc";
import { readFile } from "node:fs/promises";

const config = JSON.parse(await readFile(new URL("../asconfig.json", import.meta.url), "utf8"));
const requested = process.argv.slice(2);
const targets = requested.length > 0 ? requested : Object.keys(config.targets);

for (const target of targets) {
  if (!(target in config.targets)) {
    console.error(`build-wasm: unknown target "${target}"; asconfig.json has ${Object.keys(config.targets).join(", ")}`);
    process.exit(2);
  }
  const started = performance.now();
  const { error, stderr } = await asc.main(["--config", "asconfig.json", "--target", target], {
    stdout: process.stdout,
    stderr: process.stderr,
  });
  if (error) {
    console.error(`build-wasm: target ${target} failed: ${error.message}`);
    console.error(stderr.toString());
    process.exit(1);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`build-wasm: ${config.targets[target].outFile} (${seconds} s)`);
}
