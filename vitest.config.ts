import { defineConfig } from "vitest/config";

// Projects: "unit" for code that never touches wasm (random numbers, file formats, argument checks),
// one project per build for everything that runs kernels, so that the simd and scalar builds pass the
// same tests, and "browser" for the tests in Chromium. Run one alone with `npx vitest run --project scalar`.
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
        // Drives Debian's Chromium through playwright-core: `npm run test:browser`, not part of `npm test`.
        extends: true,
        test: { name: "browser", include: ["test/browser/**/*.test.ts"], fileParallelism: false },
      },
    ],
  },
});
