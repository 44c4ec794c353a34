import { describe, expect, it } from "vitest";
import { discardedEnergy, rankForEnergy } from "../../src/lowrank/energy.js";

describe("rankForEnergy", () => {
  const s = new Float64Array([3, 2, 1]); // energies 9, 4, 1 of 14

  it("keeps the requested energy fraction", () => {
    expect(rankForEnergy(s, 0)).toBe(0);
    expect(rankForEnergy(s, 9 / 14)).toBe(1);
    expect(rankForEnergy(s, 0.65)).toBe(2);
    expect(rankForEnergy(s, 13 / 14)).toBe(2);
    expect(rankForEnergy(s, 0.99)).toBe(3);
    expect(rankForEnergy(s, 1)).toBe(3);
    expect(rankForEnergy(s, { energy: 0.5 })).toBe(1);
  });

  it("meets a relative error bound", () => {
    expect(rankForEnergy(s, { relativeError: 1 })).toBe(0);
    expect(rankForEnergy(s, { relativeError: Math.sqrt(5 / 14) })).toBe(1);
    expect(rankForEnergy(s, { relativeError: 0.3 })).toBe(2);
    expect(rankForEnergy(s, { relativeError: 0 })).toBe(3);
  });

  it("treats trailing zeros and all-zero spectra", () => {
    expect(rankForEnergy([5, 0, 0], 1)).toBe(1);
    expect(rankForEnergy([0, 0], 1)).toBe(0);
    expect(rankForEnergy([], 0.9)).toBe(0);
  });

  it("does not overflow or underflow", () => {
    expect(rankForEnergy([1e300, 1e300, 1e299], 0.99)).toBe(2);
    expect(rankForEnergy([1e-300, 1e-300, 1e-301], 0.99)).toBe(2);
  });

  it("discardedEnergy ends at exactly zero", () => {
    const tail = discardedEnergy(s);
    expect(tail[0]).toBe(1);
    expect(tail[3]).toBe(0);
    expect(tail[1]).toBeCloseTo(5 / 14, 15);
  });

  it("rejects invalid input", () => {
    expect(() => rankForEnergy([1, 2], 0.5)).toThrow(/S\[1\] must not exceed S\[0\] \(1\)/);
    expect(() => rankForEnergy([1, -1], 0.5)).toThrow(/S\[1\] must be a finite non-negative number, received -1/);
    expect(() => rankForEnergy([1, NaN], 0.5)).toThrow(RangeError);
    expect(() => rankForEnergy([1], 1.5)).toThrow(/energy must be a fraction from 0 to 1, received 1.5/);
    expect(() => rankForEnergy([1], { relativeError: -0.1 })).toThrow(RangeError);
    expect(() => rankForEnergy("x" as unknown as number[], 0.5)).toThrow(TypeError);
    expect(() => rankForEnergy([1], {} as { energy: number })).toThrow(TypeError);
  });
});
