// Exported QLoRA kernels. The SIMD builds run fourbitMatvecSimd, the scalar build its scalar twin;
// ASC_FEATURE_SIMD is a compile-time constant, so each build contains one of them.
import { fourbitMatvecScalar, fourbitMatvecSimd, fourbitMatvecWorkspaceBytes } from "./fourbit-matvec";

/**
 * Y (batch x m, leading dimension ldy) = X (batch x n, ldx) W^T with W the m x n matrix of 4-bit
 * codes at `codes` (format 0 NF4, 1 FP4) and one float32 absmax per `blockSize` values at `absmax`.
 */
export function fourbit_matvec_f32(x: usize, batch: i32, n: i32, ldx: i32, codes: usize, absmax: usize, blockSize: i32, format: i32, m: i32, y: usize, ldy: i32, work: usize): void {
  if (ASC_FEATURE_SIMD) fourbitMatvecSimd(x, batch, n, ldx, codes, absmax, blockSize, format, m, y, ldy, work);
  else fourbitMatvecScalar(x, batch, n, ldx, codes, absmax, blockSize, format, m, y, ldy, work);
}

export function fourbit_matvec_workspace_bytes(batch: i32): usize {
  return fourbitMatvecWorkspaceBytes(batch);
}
