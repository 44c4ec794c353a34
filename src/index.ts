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

// Decompositions: SVD, QR, least squares, pseudo-inverse.
export { svd, type SvdOptions, type SvdResult, type SingularValues } from "./linalg/svd.js";
export { qr, type QrOptions, type QrResult, type QrMode } from "./linalg/qr.js";
export { lstsq, pinv, type LstsqOptions, type LstsqResult, type PinvOptions } from "./linalg/lstsq.js";

// Matrix products
export { matmul, matvec, type MatmulOptions, type MatvecOptions } from "./linalg/matmul.js";

export { RandomState, seed, rand, randn } from "./random.js";

// Norms and choosing a rank
export { norm, matrixRank, type NormKind, type MatrixRankOptions } from "./linalg/norm.js";
export { rankForEnergy, type RankCriterion } from "./lowrank/energy.js";

// PEFT LoRA adapters
export { readLoraAdapter, loraConfig, loraScaling, type LoraAdapter, type LoraPair, type LoraConfig } from "./lora/adapter.js";

// File formats: safetensors, .npy and Matrix Market from bytes (path-taking helpers in lowrank/node).
export {
  readSafetensors,
  writeSafetensors,
  SafetensorsFile,
  MAX_SAFETENSORS_HEADER,
  type SafetensorsDType,
  type SafetensorsTensor,
  type SafetensorsTensorInfo,
  type SafetensorsTensorInput,
  type WriteSafetensorsOptions,
} from "./io/safetensors.js";
export { readNpy, writeNpy, type NpyArray, type NpyArrayInput, type NpyDType, type ReadNpyOptions, type WriteNpyOptions } from "./io/npy.js";
export {
  readMatrixMarket,
  type MatrixMarketMatrix,
  type MatrixMarketFormat,
  type MatrixMarketField,
  type MatrixMarketSymmetry,
  type ReadMatrixMarketOptions,
} from "./io/matrix-market.js";
export { tensorAsMatrix, type Tensor, type TensorData, type TensorInput, type TensorAsMatrixOptions } from "./io/tensor.js";

export { NotReadyError, FormatError, ConvergenceError, type FormatErrorLocation } from "./errors.js";
