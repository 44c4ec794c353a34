/**
 * lowrank: the linear algebra behind LoRA and QLoRA, on SIMD WebAssembly, for Node and browsers.
 *
 * Call `await ready()` once, then use the kernels. Matrices are plain `{ rows, cols, data, stride? }`
 * objects in row-major order; Float64Array data runs f64 kernels, Float32Array data f32 kernels.
 */
export { ready, backend, close, type ReadyOptions, type BackendInfo } from "./runtime/load.js";
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

// Low rank: truncated and randomized SVD factorizations.
export { lowRank, type LowRankOptions, type LowRankResult, type LowRankMethod, type LowRankSplit } from "./lowrank/lowrank.js";
export { randomizedSvd, type RandomizedSvdOptions, type RandomizedSvdResult } from "./lowrank/randomized.js";

// PEFT LoRA adapters
export { readLoraAdapter, loraConfig, loraScaling, type LoraAdapter, type LoraPair, type LoraConfig } from "./lora/adapter.js";

// LoRA operations: apply, merge, extract and resize adapters, QLoRA apply.
export { loraApply } from "./lora/apply.js";
export { loraMerge, loraUnmerge } from "./lora/merge.js";
export { loraExtract, loraResize, type LoraExtractOptions, type LoraExtractResult, type LoraResizeResult, type LoraScalingOptions, type LoraAdapterFactors } from "./lora/extract.js";
export type { LoraFactors, LoraOutOptions } from "./lora/checks.js";
export { qloraApply, residentQuantized, ResidentQuantized } from "./lora/qlora.js";

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

// Number formats: half precision, 8-bit and 4-bit quantization, storage and error accounting.
export { toFloat16, fromFloat16, toBfloat16, fromBfloat16, asFloat16Array, type ToHalfOptions, type FromHalfOptions, type Float16ArrayLike } from "./quant/float16.js";
export { quantizeInt8, dequantizeInt8 } from "./quant/int8.js";
export type { Int8Quantized, Int8AbsmaxQuantized, Uint8AffineQuantized, Int8Granularity, Int8Scheme, QuantizeInt8Options, DequantizeInt8Options } from "./quant/int8-layout.js";
export { quantize4bit, dequantize4bit } from "./quant/fourbit.js";
export type { FourBitQuantized, FourBitType, QuantizedAbsmax, Quantize4bitOptions, Dequantize4bitOptions } from "./quant/fourbit-layout.js";
export { byteSize, type ByteSize, type ByteSizeOptions, type StorageFormat } from "./quant/size.js";
export { errorStats, type ErrorStats } from "./quant/error-stats.js";
export type { ValuesInput } from "./quant/inputs.js";

export { NotReadyError, FormatError, ConvergenceError, type FormatErrorLocation } from "./errors.js";
