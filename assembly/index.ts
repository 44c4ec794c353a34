// The module's exports. Every kernel takes byte addresses (usize) into the imported memory and sizes
// (i32). The TypeScript side owns and validates every allocation, so the kernels trust their input.
//
// Naming: <operation>_<element type>, with m, n, k the matrix dimensions and lda, ldb, ldc the
// leading dimensions in elements, as in BLAS.

export { heap_base, simd_level, thread_support } from "./runtime";
export * from "./elementwise/index";
export * from "./svd/index";
export * from "./gemm/index";
export * from "./quant/index";
export * from "./lora/index";
