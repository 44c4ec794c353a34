// The samples in test/fixtures/written-by-lowrank were written by scripts/fixtures/write_samples.mjs and
// checked with np.load and the fixture script's safetensors reader. These tests keep the writers
// producing those same bytes, and read the samples back.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readNpy, readSafetensors, writeNpy, type NpyDType, type TensorData } from "../../src/index.js";
import { fixtureBytes, FIXTURES, plainValues } from "./io-helpers.js";

interface NpyEntry {
  file: string;
  kind: "npy";
  dtype: NpyDType;
  shape: number[];
  byteOrder: string;
  fortranOrder: boolean;
  version: 1 | 2 | 3;
  values: Array<number | string>;
}

interface SafetensorsEntry {
  file: string;
  kind: "safetensors";
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: Array<number | string> }>;
}

const manifest = JSON.parse(readFileSync(new URL("written-by-lowrank/manifest.json", FIXTURES), "utf8")) as {
  files: Array<NpyEntry | SafetensorsEntry>;
};

const ARRAYS: Record<NpyDType, (values: Array<number | string>) => TensorData> = {
  f2: (v) => Uint16Array.from(v as number[]),
  f4: (v) => Float32Array.from(v as number[]),
  f8: (v) => Float64Array.from(v as number[]),
  i1: (v) => Int8Array.from(v as number[]),
  i2: (v) => Int16Array.from(v as number[]),
  i4: (v) => Int32Array.from(v as number[]),
  i8: (v) => BigInt64Array.from(v, (x) => BigInt(x)),
  u1: (v) => Uint8Array.from(v as number[]),
  u2: (v) => Uint16Array.from(v as number[]),
  u4: (v) => Uint32Array.from(v as number[]),
  u8: (v) => BigUint64Array.from(v, (x) => BigInt(x)),
  b1: (v) => Uint8Array.from(v as number[]),
};

describe("files written by lowrank and checked by numpy", () => {
  it("writeNpy still produces the verified bytes", () => {
    const entries = manifest.files.filter((entry): entry is NpyEntry => entry.kind === "npy");
    expect(entries.length).toBeGreaterThan(60);
    for (const entry of entries) {
      const bytes = writeNpy(
        { dtype: entry.dtype, shape: entry.shape, data: ARRAYS[entry.dtype](entry.values) },
        { littleEndian: entry.byteOrder !== ">", fortranOrder: entry.fortranOrder, version: entry.version },
      );
      expect(bytes, entry.file).toEqual(fixtureBytes(`written-by-lowrank/${entry.file}`));
    }
  });

  it("reads the verified safetensors sample back", () => {
    for (const entry of manifest.files.filter((e): e is SafetensorsEntry => e.kind === "safetensors")) {
      const st = readSafetensors(fixtureBytes(`written-by-lowrank/${entry.file}`));
      expect({ ...st.metadata }).toEqual(entry.metadata);
      expect([...st.names].sort()).toEqual(Object.keys(entry.tensors).sort());
      for (const [name, expected] of Object.entries(entry.tensors)) {
        const tensor = st.tensor(name);
        expect(tensor.dtype, name).toBe(expected.dtype);
        expect(tensor.shape, name).toEqual(expected.shape);
        expect(plainValues(tensor.data), name).toEqual(expected.values);
      }
    }
  });

  it("reads the verified npy samples back", () => {
    for (const entry of manifest.files.filter((e): e is NpyEntry => e.kind === "npy")) {
      const array = readNpy(fixtureBytes(`written-by-lowrank/${entry.file}`));
      expect(plainValues(array.data), entry.file).toEqual(entry.values);
    }
  });
});
