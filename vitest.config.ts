import { defineConfig } from "vitest/config";

// Projects: "unit" for code that never touches wasm (random numbers, file formats, argument checks),
// one project per build for everything that runs kernels, so that the simd, scalar and relaxed-simd
// builds pass the same tests, and "browser" for the tests in Chromium. Run one alone with
// `npx vitest run --project scalar`.
//
// Node 20 runs relaxed SIMD only with --experimental-wasm-relaxed-simd, which NODE_OPTIONS does not
// accept, so the relaxed-simd project starts its workers as child processes with that flag.
// NOTE: checked on Node 20 only. Node 22 has relaxed SIMD on by default; if its V8 ever rejects the
// flag, drop execArgv there.
export default defineConfig({
  test: {
    setupFiles: ["test/helpers/matchers.ts"],
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "simd", include: ["test/wasm/**/*.test.ts"], env: { LOWRANK_BACKEND: "simd" } },
      },
      {
        extends: true,
        test: { name: "scalar", include: ["test/wasm/**/*.test.ts"], env: { LOWRANK_BACKEND: "scalar" } },
      },
      {
        extends: true,
        test: {
          name: "relaxed-simd",
          include: ["test/wasm/**/*.test.ts"],
          env: { LOWRANK_BACKEND: "relaxed-simd" },
          pool: "forks",
          execArgv: ["--experimental-wasm-relaxed-simd"],
        },
      },
      {
        // The threaded build (shared memory and worker threads) against one thread.
        extends: true,
        test: { name: "threads", include: ["test/threads/**/*.test.ts"] },
      },
      {
        // The same tests where the engine has relaxed SIMD: ready() then picks the relaxed-simd build
        // for one thread and its threaded variant for more.
        extends: true,
        test: {
          name: "threads-relaxed",
          include: ["test/threads/**/*.test.ts"],
          pool: "forks",
          execArgv: ["--experimental-wasm-relaxed-simd"],
        },
      },
      {
        // Drives Debian's Chromium through playwright-core: `npm run test:browser`, not part of `npm test`.
        extends: true,
        test: { name: "browser", include: ["test/browser/**/*.test.ts"], fileParallelism: false },
      },
    ],
  },
});
