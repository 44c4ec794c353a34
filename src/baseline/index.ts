/**
 * The pure-JavaScript baseline: plain implementations of lowrank's operations with the same signatures
 * as the wasm-backed ones, so that tests and benchmarks can run both. Each is a competent plain
 * implementation (typed arrays, cache-friendly loop order), the code a careful JavaScript programmer
 * would write without WebAssembly. Importable as `lowrank/baseline`.
 */
export { add, sub, scale, transpose } from "./elementwise.js";
export { svd, qr, lstsq, pinv } from "./svd.js";
export { matmul, matvec } from "./matmul.js";

// Number formats: half precision, 8-bit and 4-bit quantization.
export { toFloat16, fromFloat16, toBfloat16, fromBfloat16, quantizeInt8, dequantizeInt8, quantize4bit, dequantize4bit } from "./quant/index.js";

// LoRA: apply, merge and unmerge adapters, QLoRA apply.
export { loraApply, loraMerge, loraUnmerge, qloraApply } from "./lora.js";
