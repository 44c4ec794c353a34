// The build each vitest project names is the build that runs.
import { beforeAll, describe, expect, it } from "vitest";
import { backend } from "../../src/index.js";
import { BACKEND_UNDER_TEST, loadBackend } from "../helpers/backend.js";

describe("backend", () => {
  beforeAll(loadBackend);

  it("is the build the project names", () => {
    expect(BACKEND_UNDER_TEST).toBeDefined();
    expect(backend().name).toBe(BACKEND_UNDER_TEST);
  });

  it("reports relaxed SIMD only in the relaxed-simd build", () => {
    expect(backend().relaxedSimd).toBe(BACKEND_UNDER_TEST === "relaxed-simd");
    expect(backend().simd).toBe(BACKEND_UNDER_TEST !== "scalar");
  });
});
