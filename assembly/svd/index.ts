// Exported SVD and QR kernels for f64 and f32 (see driver.ts for the contracts). The TypeScript side
// allocates every operand and the workspace; job is 0 (values), 1 (thin) or 2 (full).
import { svd, svdWorkspaceBytes, qr, qrWorkspaceBytes } from "./driver";
import { resetParams, setParams } from "./params";

export function svd_f64(m: i32, n: i32, a: usize, s: usize, u: usize, vt: usize, job: i32, work: usize): i32 {
  return svd<f64>(m, n, a, s, u, vt, job, work);
}

export function svd_f32(m: i32, n: i32, a: usize, s: usize, u: usize, vt: usize, job: i32, work: usize): i32 {
  return svd<f32>(m, n, a, s, u, vt, job, work);
}

export function svd_workspace_f64(m: i32, n: i32, job: i32): usize {
  return svdWorkspaceBytes<f64>(m, n, job);
}

export function svd_workspace_f32(m: i32, n: i32, job: i32): usize {
  return svdWorkspaceBytes<f32>(m, n, job);
}

export function qr_f64(m: i32, n: i32, a: usize, q: usize, qCols: i32, r: usize, rRows: i32, work: usize): void {
  qr<f64>(m, n, a, q, qCols, r, rRows, work);
}

export function qr_f32(m: i32, n: i32, a: usize, q: usize, qCols: i32, r: usize, rRows: i32, work: usize): void {
  qr<f32>(m, n, a, q, qCols, r, rRows, work);
}

export function qr_workspace_f64(m: i32, n: i32, qCols: i32): usize {
  return qrWorkspaceBytes<f64>(m, n, qCols);
}

export function qr_workspace_f32(m: i32, n: i32, qCols: i32): usize {
  return qrWorkspaceBytes<f32>(m, n, qCols);
}

/**
 * Sets the block sizes, crossovers and divide-and-conquer leaf size of params.ts. A value <= 0 keeps
 * the current one. Tests lower them to reach the blocked paths on small matrices, and
 * svd_reset_params restores the defaults.
 */
export function svd_set_params(bidiagBlock: i32, bidiagCrossover: i32, reflectorBlock: i32, reflectorCrossover: i32, divideCrossover: i32, divideLeaf: i32): void {
  setParams(bidiagBlock, bidiagCrossover, reflectorBlock, reflectorCrossover, divideCrossover, divideLeaf);
}

export function svd_reset_params(): void {
  resetParams();
}
