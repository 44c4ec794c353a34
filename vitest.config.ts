import { defineConfig } from "vitest/config";

// Three projects: "unit" for code that never touches wasm (random numbers, file formats, argument
// checks), and one project per build for everything that runs kernels, so that the simd and scalar
// builds pass the same tests. Run one build alone with `npx vitest run --project scalar`.
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
    ],
  },
});
