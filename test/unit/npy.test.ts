import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormatError, readNpy, tensorAsMatrix, writeNpy, type NpyDType, type TensorData } from "../../src/index.js";
import { readNpyFile, writeNpyFile } from "../../src/node.js";
import { expectSummary, fixtureBytes, FIXTURES, plainValues, reference } from "./io-helpers.js";

function formatError(action: () => unknown): FormatError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error("expected a FormatError, but the call returned");
}

/** A .npy file with the given dict text and data bytes, version 1, padded as numpy pads. */
function npyWith(dict: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const headerLength = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const out = new Uint8Array(10 + headerLength + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, headerLength, true);
  out.set(new TextEncoder().encode(dict.padEnd(headerLength - 1, " ") + "\n"), 10);
  out.set(data, 10 + headerLength);
  return out;
}

describe("readNpy on files numpy wrote", () => {
  for (const [file, expected] of Object.entries(reference.generatedNpy)) {
    it(`reads ${file} (${expected.description})`, () => {
      const array = readNpy(fixtureBytes(`npy/${file}`));
      expect(array.dtype).toBe(expected.dtype);
      expect(array.shape).toEqual(expected.shape);
      expect(array.version).toBe(expected.version);
      expect(array.fortranOrder).toBe(expected.fortranOrder);
      expect(array.littleEndian).toBe(expected.descr[0] !== ">");
      expect(plainValues(array.data)).toEqual(expected.values);
    });
  }

  it("reads the camera image as numpy does", async () => {
    const expected = reference.npy["camera_512x512.npy"]!;
    const image = await readNpyFile(new URL("data/camera_512x512.npy", FIXTURES));
    expect(image.dtype).toBe("u1");
    expect(image.shape).toEqual(expected.shape);
    expectSummary(image.data as Uint8Array, expected, "camera");
    const m = tensorAsMatrix(image);
    expect([m.rows, m.cols]).toEqual([512, 512]);
    expect(m.data).toBeInstanceOf(Float64Array);
    expectSummary(m.data, expected, "camera as a matrix");
  });

  it("returns a view for aligned little-endian C-order data", () => {
    const bytes = fixtureBytes("npy/f8-le-c-v1.npy");
    expect(readNpy(bytes).data.buffer).toBe(bytes.buffer);
    expect(readNpy(fixtureBytes("npy/f8-be-c-v1.npy")).data.buffer).not.toBe(bytes.buffer);
  });
});

const SAMPLES: Array<[NpyDType, TensorData]> = [
  ["f2", new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7e00])],
  ["f4", new Float32Array([1.5, -2.25, Math.fround(Math.E), 3e38, -1e-40, -0])],
  ["f8", new Float64Array([1.5, -2.25, Math.PI, -0, Infinity, NaN])],
  ["i1", new Int8Array([-128, 127, 0, -1, 42, 7])],
  ["i2", new Int16Array([-32768, 32767, 0, -1, 42, 7])],
  ["i4", new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1, 42, 7])],
  ["i8", new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 42n, 7n])],
  ["u1", new Uint8Array([255, 0, 1, 128, 42, 7])],
  ["u2", new Uint16Array([65535, 0, 1, 32768, 42, 7])],
  ["u4", new Uint32Array([2 ** 32 - 1, 0, 1, 2 ** 31, 42, 7])],
  ["u8", new BigUint64Array([2n ** 64n - 1n, 0n, 1n, 2n ** 53n + 1n, 42n, 7n])],
  ["b1", new Uint8Array([1, 0, 1, 1, 0, 0])],
];

function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

describe("writeNpy", () => {
  it("round-trips every dtype, byte order, memory order and version", () => {
    for (const [dtype, data] of SAMPLES) {
      for (const littleEndian of [true, false]) {
        for (const fortranOrder of [false, true]) {
          for (const version of [1, 2, 3] as const) {
            const label = `${dtype} ${littleEndian ? "le" : "be"} ${fortranOrder ? "F" : "C"} v${version}`;
            const bytes = writeNpy({ dtype, shape: [2, 3], data }, { littleEndian, fortranOrder, version });
            expect((10 + (version === 1 ? 0 : 2) + new DataView(bytes.buffer).getUint16(8, true)) % 64, label).toBe(0);
            const back = readNpy(bytes);
            expect(back.dtype, label).toBe(dtype);
            expect(back.shape, label).toEqual([2, 3]);
            expect(back.version, label).toBe(version);
            expect(back.fortranOrder, label).toBe(fortranOrder);
            expect(bytesOf(back.data), label).toEqual(bytesOf(data));
          }
        }
      }
    }
  });

  it("writes the data section numpy writes", () => {
    for (const [file, expected] of Object.entries(reference.generatedNpy)) {
      const numpyBytes = fixtureBytes(`npy/${file}`);
      const array = readNpy(numpyBytes);
      const ours = writeNpy(array, { fortranOrder: expected.fortranOrder, littleEndian: array.littleEndian, version: array.version });
      const dataLength = array.data.byteLength;
      expect(ours.subarray(ours.length - dataLength), file).toEqual(numpyBytes.subarray(numpyBytes.length - dataLength));
      const header = new TextDecoder().decode(ours.subarray(0, ours.length - dataLength));
      expect(header, file).toContain(`'descr': '${expected.descr}'`);
    }
  });

  it("writes a matrix as 2-D, honouring its stride", () => {
    const back = readNpy(writeNpy({ rows: 2, cols: 2, stride: 3, data: new Float32Array([1, 2, 0, 3, 4]) }));
    expect(back).toMatchObject({ dtype: "f4", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
  });

  it("writes scalars, vectors and empty arrays", () => {
    expect(readNpy(writeNpy({ shape: [], data: new Float64Array([2.5]) })).shape).toEqual([]);
    expect(new TextDecoder().decode(writeNpy({ data: new Int32Array(3) }))).toContain("'shape': (3,)");
    expect(readNpy(writeNpy({ shape: [0, 3], data: new Float32Array(0) })).shape).toEqual([0, 3]);
  });

  it("writes a file through the Node helper", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "lowrank-")), "a.npy");
    await writeNpyFile(path, { shape: [2], data: new Int16Array([-1, 1]) });
    expect(Array.from((await readNpyFile(path)).data as Int16Array)).toEqual([-1, 1]);
  });

  it("rejects bad arguments", () => {
    expect(() => writeNpy({ data: new Uint16Array(2) })).toThrow(/dtype must be given for Uint16Array data/);
    expect(() => writeNpy({ dtype: "f4", data: new Float64Array(2) })).toThrow(TypeError);
    expect(() => writeNpy({ dtype: "c8" as never, data: new Float64Array(2) })).toThrow(RangeError);
    expect(() => writeNpy({ dtype: "b1", data: new Uint8Array([0, 2]) })).toThrow(RangeError);
    expect(() => writeNpy({ shape: [5], data: new Float64Array(2) })).toThrow(RangeError);
    expect(() => writeNpy({ data: new Float64Array(2) }, { version: 4 as never })).toThrow(RangeError);
    expect(() => writeNpy({ data: new Float64Array(2) }, { fortranOrder: "yes" as never })).toThrow(TypeError);
    expect(() => readNpy(42 as never)).toThrow(TypeError);
    expect(() => readNpy(new Uint8Array(0), { maxHeaderSize: -1 })).toThrow(RangeError);
  });
});

describe("readNpy on malformed files", () => {
  const f8 = (n: number) => new Uint8Array(8 * n);

  it("rejects a bad magic string or version", () => {
    expect(formatError(() => readNpy(new Uint8Array([0x93, 0x4e]))).message).toMatch(/too short for the magic string/);
    expect(formatError(() => readNpy(new TextEncoder().encode("PK\x03\x04 zip"))).message).toMatch(/magic string/);
    const v4 = npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", f8(1));
    v4[6] = 4;
    const error = formatError(() => readNpy(v4));
    expect(error.message).toMatch(/unsupported format version 4\.0/);
    expect(error.byteOffset).toBe(6);
  });

  it("rejects truncated files", () => {
    const good = npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8(4));
    expect(formatError(() => readNpy(good.subarray(0, 9))).message).toMatch(/ends inside the header length/);
    expect(formatError(() => readNpy(good.subarray(0, 40))).message).toMatch(/runs past the end of the file/);
    const short = formatError(() => readNpy(good.subarray(0, good.length - 3)));
    expect(short.message).toMatch(/needs 32 bytes of data, the file has 29/);
    expect(short.byteOffset).toBe(128);
  });

  it("rejects trailing bytes", () => {
    const long = npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8(3));
    expect(formatError(() => readNpy(long)).message).toMatch(/needs 16 bytes of data, the file has 24/);
  });

  it("rejects a header over the limit", () => {
    const bytes = npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }${" ".repeat(20_000)}`, f8(1));
    bytes[6] = 2;
    const v2 = new Uint8Array(bytes.length + 2);
    v2.set(bytes.subarray(0, 8));
    new DataView(v2.buffer).setUint32(8, bytes.length - 10 - 8, true);
    v2.set(bytes.subarray(10), 12);
    expect(formatError(() => readNpy(v2)).message).toMatch(/exceeds the limit of 10000 bytes/);
    expect(readNpy(v2, { maxHeaderSize: 30_000 }).shape).toEqual([1]);
  });

  it("rejects unsupported dtypes", () => {
    const dict = (descr: string) => npyWith(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`, f8(1));
    expect(formatError(() => readNpy(dict("'|O'"))).message).toMatch(/unsupported dtype '\|O'/);
    expect(formatError(() => readNpy(dict("'<c8'"))).message).toMatch(/unsupported dtype '<c8'/);
    expect(formatError(() => readNpy(dict("'<U1'"))).message).toMatch(/unsupported dtype/);
    expect(formatError(() => readNpy(dict("[('a', '<f4')]"))).message).toMatch(/structured dtypes are not supported/);
  });

  it("rejects malformed headers", () => {
    const bad = (dict: string) => formatError(() => readNpy(npyWith(dict, f8(1)))).message;
    expect(bad("{'descr': '<f8', 'shape': (1,), }")).toMatch(/missing key 'fortran_order'/);
    expect(bad("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}")).toMatch(/unexpected key 'extra'/);
    expect(bad("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}")).toMatch(/duplicate key/);
    expect(bad("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }")).toMatch(/True or False/);
    expect(bad("{'descr': '<f8', 'fortran_order': False, 'shape': (1), }")).toMatch(/numpy writes \(n,\)/);
    expect(bad("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }")).toMatch(/non-negative integer/);
    expect(bad("{'descr': '<f8', 'fortran_order': False, 'shape': [1], }")).toMatch(/expected '\('/);
    expect(bad("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } x")).toMatch(/unexpected text after/);
    expect(bad("{'descr: '<f8'}")).toMatch(/invalid header/);
  });

  it("rejects a shape with more elements than any file", () => {
    const bytes = npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", f8(1));
    expect(formatError(() => readNpy(bytes)).message).toMatch(/more bytes than any file holds/);
  });
});
