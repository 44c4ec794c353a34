// The module keeps no allocator of its own: JavaScript allocates in the imported memory from
// heap_base() upwards. Static data (lookup tables) lives below that address.

/** Returns the first byte address past the module's static data. */
export function heap_base(): usize {
  return __heap_base;
}

/** Returns 1 when this build was compiled with SIMD, 2 with relaxed SIMD, 0 without. */
export function simd_level(): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return 2;
  if (ASC_FEATURE_SIMD) return 1;
  return 0;
}

/**
 * Returns 1 when this build declares a shared memory (compiled with threads), 0 otherwise. The
 * threaded build runs the same kernels as the simd build, several instances at once on one memory.
 */
export function thread_support(): i32 {
  return ASC_FEATURE_THREADS ? 1 : 0;
}
