/**
 * Feature probes: two tiny hand-assembled modules that `WebAssembly.validate` accepts only where the
 * engine has the feature. Validating them costs microseconds and loads nothing.
 */

// (module (func (result v128) i32.const 0 i8x16.splat))
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // code: i32.const 0, i8x16.splat, end
]);

// (module (func (result v128) i32.const 0 i8x16.splat i32.const 0 i8x16.splat i8x16.relaxed_swizzle))
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x0f, 0x01, 0x0d, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x80, 0x02, 0x0b,
]);

/** Engine features that decide which of lowrank's builds can run. */
export interface EngineFeatures {
  /** 128-bit SIMD (every evergreen browser, Node 16.4+). */
  simd: boolean;
  /** Relaxed SIMD (Chromium 114+, Node 22+; Node 20 with --experimental-wasm-relaxed-simd). */
  relaxedSimd: boolean;
  /** SharedArrayBuffer, which a threaded build would need (cross-origin isolated pages only). */
  sharedMemory: boolean;
}

/** Probes the engine once; the result does not change within a process. */
export function detectFeatures(): EngineFeatures {
  return {
    simd: WebAssembly.validate(SIMD_PROBE),
    relaxedSimd: WebAssembly.validate(RELAXED_SIMD_PROBE),
    sharedMemory: typeof SharedArrayBuffer === "function",
  };
}
