// Shared by the file-format tests: fixture paths, the numpy reference and a comparison of summaries.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { TensorData } from "../../src/index.js";

export const FIXTURES = new URL("../fixtures/", import.meta.url);

export function fixtureBytes(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(relative, FIXTURES)));
}

export interface Summary {
  dtype: string;
  shape: number[];
  sum: number;
  frobenius: number;
  first: number[];
  last: number[];
  at: Array<[number, number]>;
}

export interface SafetensorsReference {
  bytes: number;
  headerLength: number;
  metadata: Record<string, string>;
  order: string[];
  tensors: Record<string, Summary & { safetensorsDtype: string; byteOffset: number; byteLength: number }>;
}

export interface GeneratedNpy {
  description: string;
  version: number;
  descr: string;
  fortranOrder: boolean;
  dtype: string;
  shape: number[];
  values: Array<number | string>;
}

export interface GeneratedMatrixMarket {
  rows: number;
  cols: number;
  field: string;
  symmetry: string;
  format: string;
  values: number[];
}

export interface MatrixMarketReference {
  rows: number;
  cols: number;
  entries: number;
  nonzeros: number;
  sum: number;
  frobenius: number;
  at: Array<[number, number, number]>;
  zeroAt: Array<[number, number]>;
}

export interface IoReference {
  safetensors: Record<string, SafetensorsReference>;
  npy: Record<string, Summary>;
  matrixMarket: Record<string, MatrixMarketReference>;
  generatedNpy: Record<string, GeneratedNpy>;
  generatedMatrixMarket: Record<string, GeneratedMatrixMarket>;
}

export const reference = JSON.parse(readFileSync(new URL("io-reference.json", FIXTURES), "utf8")) as IoReference;

/** Elements as JSON-comparable values: 64-bit integers as decimal strings, others as numbers. */
export function plainValues(data: TensorData): Array<number | string> {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, (x) => x.toString());
  return Array.from(data as ArrayLike<number>);
}

/**
 * Checks data against numpy's summary: sum and norm accumulated in f64 within a bound for the
 * summation order (numpy sums pairwise, this sequentially), listed entries exactly.
 */
export function expectSummary(data: ArrayLike<number>, expected: Summary | MatrixMarketReference, label: string): void {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < data.length; i++) {
    sum += data[i]!;
    squares += data[i]! * data[i]!;
  }
  const sumBound = 1e-13 * data.length * Math.max(1, expected.frobenius * Math.sqrt(data.length));
  expect(Math.abs(sum - expected.sum), `${label}: sum ${sum} vs numpy ${expected.sum}`).toBeLessThanOrEqual(sumBound);
  const norm = Math.sqrt(squares);
  expect(Math.abs(norm - expected.frobenius), `${label}: norm ${norm} vs numpy ${expected.frobenius}`).toBeLessThanOrEqual(1e-12 * expected.frobenius);
  if ("first" in expected) {
    expect(Array.from(data).slice(0, expected.first.length), `${label}: first entries`).toEqual(expected.first);
    expect(Array.from(data).slice(data.length - expected.last.length), `${label}: last entries`).toEqual(expected.last);
    for (const [index, value] of expected.at) expect(data[index], `${label}: entry ${index}`).toBe(value);
  }
}
