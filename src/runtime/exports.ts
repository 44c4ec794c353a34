/**
 * The functions a lowrank WebAssembly build exports, as the TypeScript side calls them. Addresses are
 * byte offsets into the module's memory; sizes and leading dimensions count elements.
 * Every build (relaxed-simd, simd, scalar) exports the same set.
 */
export interface KernelExports {
  heap_base(): number;
  simd_level(): number;

  add_f64(x: number, y: number, out: number, n: number): void;
  add_f32(x: number, y: number, out: number, n: number): void;
  sub_f64(x: number, y: number, out: number, n: number): void;
  sub_f32(x: number, y: number, out: number, n: number): void;
  scale_f64(x: number, alpha: number, out: number, n: number): void;
  scale_f32(x: number, alpha: number, out: number, n: number): void;
  transpose_f64(a: number, lda: number, m: number, n: number, out: number, ldo: number): void;
  transpose_f32(a: number, lda: number, m: number, n: number, out: number, ldo: number): void;
}

/** Names of the exports every build must have; loading checks them. */
export const REQUIRED_EXPORTS: ReadonlyArray<keyof KernelExports> = [
  "heap_base",
  "simd_level",
  "add_f64",
  "add_f32",
  "sub_f64",
  "sub_f32",
  "scale_f64",
  "scale_f32",
  "transpose_f64",
  "transpose_f32",
];
