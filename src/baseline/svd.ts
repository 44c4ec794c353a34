/**
 * Pure-JavaScript twins of svd, qr, lstsq and pinv: the same arguments, checks and results, with the
 * unblocked kernels of svdKernel.ts computing in f64 (f32 results are rounded once at the end).
 * Resident matrices are not accepted here.
 */
import type { FloatArray, Matrix } from "../matrix.js";
import { baselineKernels } from "../linalg/factorKernels.js";
import { lstsqWith, pinvWith, type LstsqOptions, type LstsqResult, type PinvOptions } from "../linalg/lstsq.js";
import { qrWith, type QrOptions, type QrResult } from "../linalg/qr.js";
import { svdWith, type SingularValues, type SvdOptions, type SvdResult } from "../linalg/svd.js";

/** Baseline of `svd`: A = U diag(S) V^T (see the wasm-backed `svd` for the contract). */
export function svd<T extends FloatArray>(a: Matrix<T>, options: SvdOptions & { vectors: false }): SingularValues<T>;
export function svd<T extends FloatArray>(a: Matrix<T>, options?: SvdOptions): SvdResult<T>;
export function svd(a: Matrix, options?: SvdOptions): SvdResult | SingularValues {
  return svdWith(baselineKernels, "svd", a, options, false);
}

/** Baseline of `qr`: A = Q R by Householder reflections. */
export function qr<T extends FloatArray>(a: Matrix<T>, options: QrOptions & { mode: "r" }): { R: Matrix<T> };
export function qr<T extends FloatArray>(a: Matrix<T>, options?: QrOptions): QrResult<T>;
export function qr(a: Matrix, options?: QrOptions): QrResult | { R: Matrix } {
  return qrWith(baselineKernels, "qr", a, options, false);
}

/** Baseline of `lstsq`: min ||A x - b||, numpy's four results. */
export function lstsq<T extends FloatArray>(a: Matrix<T>, b: T | Matrix<T>, options?: LstsqOptions): LstsqResult<T> {
  return lstsqWith(baselineKernels, "lstsq", a, b, options, false) as LstsqResult<T>;
}

/** Baseline of `pinv`: V S^+ U^T. */
export function pinv<T extends FloatArray>(a: Matrix<T>, options?: PinvOptions): Matrix<T> {
  return pinvWith(baselineKernels, "pinv", a, options, false) as Matrix<T>;
}
