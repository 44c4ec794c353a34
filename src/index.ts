/**
 * lowrank: the linear algebra behind LoRA and QLoRA, on SIMD WebAssembly, for Node and browsers.
 *
 * Call `await ready()` once, then use the kernels. Matrices are plain `{ rows, cols, data, stride? }`
 * objects in row-major order; Float64Array data runs f64 kernels, Float32Array data f32 kernels.
 */
export { ready, backend, type ReadyOptions, type BackendInfo } from "./runtime/load.js";
export type { BackendName } from "./runtime/state.js";
export type { EngineFeatures } from "./runtime/probe.js";
export { resident, ResidentMatrix } from "./runtime/resident.js";
export type { MatrixInput } from "./runtime/operands.js";

export { matrix, fromArrays, toArrays, type Matrix, type FloatArray, type DType } from "./matrix.js";
export { add, sub, scale, copy, transpose } from "./linalg/elementwise.js";
export type { OutOptions } from "./linalg/checks.js";

// Matrix products
export { matmul, matvec, type MatmulOptions, type MatvecOptions } from "./linalg/matmul.js";

export { RandomState, seed, rand, randn } from "./random.js";

export { NotReadyError, FormatError, ConvergenceError, type FormatErrorLocation } from "./errors.js";
