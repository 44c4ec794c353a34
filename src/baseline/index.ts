/**
 * The pure-JavaScript baseline: plain implementations of lowrank's operations with the same signatures
 * as the wasm-backed ones, so that tests and benchmarks can run both. Each is a competent plain
 * implementation (typed arrays, cache-friendly loop order), the code a careful JavaScript programmer
 * would write without WebAssembly. Importable as `lowrank/baseline`.
 */
export { add, sub, scale, transpose } from "./elementwise.js";
export { svd, qr, lstsq, pinv } from "./svd.js";
export { matmul, matvec } from "./matmul.js";
