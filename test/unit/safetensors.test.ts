import { describe, expect, it } from "vitest";
import {
  FormatError,
  MAX_SAFETENSORS_HEADER,
  readSafetensors,
  tensorAsMatrix,
  writeSafetensors,
  type SafetensorsDType,
  type TensorData,
} from "../../src/index.js";
import { readSafetensorsFile, writeSafetensorsFile } from "../../src/node.js";
import { expectSummary, fixtureBytes, FIXTURES, reference } from "./io-helpers.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Builds a safetensors file from a header (object or raw text) and a data section. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function formatError(action: () => unknown): FormatError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    return error as FormatError;
  }
  throw new Error("expected a FormatError, but the call returned");
}

describe("readSafetensors on real files", () => {
  for (const [file, expected] of Object.entries(reference.safetensors)) {
    it(`reads ${file} as numpy does`, () => {
      const bytes = fixtureBytes(`data/${file}`);
      const st = readSafetensors(bytes);

      expect(st.names).toEqual(expected.order);
      expect({ ...st.metadata }).toEqual(expected.metadata);
      expect(st.dataOffset).toBe(8 + expected.headerLength);
      for (const name of st.names) {
        const want = expected.tensors[name]!;
        const info = st.info(name);
        expect(info.dtype).toBe(want.safetensorsDtype);
        expect(info.byteOffset).toBe(want.byteOffset);
        expect(info.byteLength).toBe(want.byteLength);
        const tensor = st.tensor(name);
        expect(tensor.shape).toEqual(want.shape);
        expectSummary(tensor.data as Float32Array, want, `${file} ${name}`);
      }
    });
  }

  it("returns views on the file bytes when aligned", () => {
    const bytes = fixtureBytes("data/silero_vad_v5.safetensors");
    const tensor = readSafetensors(bytes).tensor("decoder.rnn.weight_hh");
    expect(tensor.data).toBeInstanceOf(Float32Array);
    expect(tensor.data.buffer).toBe(bytes.buffer);
    expect(tensor.data.byteOffset).toBe(bytes.byteOffset + reference.safetensors["silero_vad_v5.safetensors"]!.tensors["decoder.rnn.weight_hh"]!.byteOffset);
  });

  it("copies tensors whose address is misaligned", () => {
    const original = fixtureBytes("data/silero_vad_v5.safetensors");
    const shifted = new Uint8Array(original.length + 1).subarray(1);
    shifted.set(original);
    const expected = reference.safetensors["silero_vad_v5.safetensors"]!.tensors["encoder.0.reparam_conv.weight"]!;
    const tensor = readSafetensors(shifted).tensor("encoder.0.reparam_conv.weight");
    expect(tensor.data.buffer).not.toBe(shifted.buffer);
    expectSummary(tensor.data as Float32Array, expected, "shifted conv kernel");
  });

  it("accepts an ArrayBuffer", () => {
    const bytes = fixtureBytes("data/silero_vad_v5.safetensors");
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(readSafetensors(buffer).names.length).toBe(2);
  });

  it("views a conv kernel as out x rest", () => {
    const tensor = readSafetensors(fixtureBytes("data/silero_vad_v5.safetensors")).tensor("encoder.0.reparam_conv.weight");
    const m = tensorAsMatrix(tensor);
    expect([m.rows, m.cols]).toEqual([128, 387]);
    expect(m.data).toBe(tensor.data);
    const byTwo = tensorAsMatrix(tensor, { rowAxes: 2 });
    expect([byTwo.rows, byTwo.cols]).toEqual([128 * 129, 3]);
  });

  it("reads a file through the Node helper", async () => {
    const st = await readSafetensorsFile(new URL("data/lora/deepbiolab__gpt2-classification-peft/adapter_model.safetensors", FIXTURES));
    expect(st.names.length).toBe(Object.keys(reference.safetensors["lora/deepbiolab__gpt2-classification-peft/adapter_model.safetensors"]!.tensors).length);
  });
});

const SAMPLES: Array<[SafetensorsDType, TensorData]> = [
  ["F64", new Float64Array([1.5, -2.25, Math.PI, -0, Infinity, NaN])],
  ["F32", new Float32Array([1.5, -2.25, Math.fround(Math.E), 3e38, -1e-40, 0])],
  ["F16", new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7e00])],
  ["BF16", new Uint16Array([0x3f80, 0xc000, 0x7f7f, 0x0001, 0x8000, 0x7fc0])],
  ["F8_E4M3", new Uint8Array([0x38, 0xb8, 0x7e, 0x01, 0x80, 0x00])],
  ["F8_E5M2", new Uint8Array([0x3c, 0xbc, 0x7b, 0x01, 0x80, 0x00])],
  ["I64", new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 42n, 7n])],
  ["I32", new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1, 42, 7])],
  ["I16", new Int16Array([-32768, 32767, 0, -1, 42, 7])],
  ["I8", new Int8Array([-128, 127, 0, -1, 42, 7])],
  ["U64", new BigUint64Array([2n ** 64n - 1n, 0n, 1n, 2n ** 53n + 1n, 42n, 7n])],
  ["U32", new Uint32Array([2 ** 32 - 1, 0, 1, 2 ** 31, 42, 7])],
  ["U16", new Uint16Array([65535, 0, 1, 32768, 42, 7])],
  ["U8", new Uint8Array([255, 0, 1, 128, 42, 7])],
  ["BOOL", new Uint8Array([1, 0, 1, 1, 0, 0])],
];

describe("writeSafetensors", () => {
  it("round-trips every dtype", () => {
    const tensors = new Map(SAMPLES.map(([dtype, data]) => [`t.${dtype}`, { dtype, shape: [2, 3], data }]));
    const st = readSafetensors(writeSafetensors(tensors, { metadata: { format: "pt", note: "ü ✓" } }));
    expect({ ...st.metadata }).toEqual({ format: "pt", note: "ü ✓" });
    for (const [dtype, data] of SAMPLES) {
      const tensor = st.tensor(`t.${dtype}`);
      expect(tensor.dtype).toBe(dtype);
      expect(tensor.shape).toEqual([2, 3]);
      expect(tensor.data.constructor).toBe(data.constructor);
      expect(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)).toEqual(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
    }
  });

  it("follows the layout rules", () => {
    const bytes = writeSafetensors({
      bytes: { data: new Uint8Array([1, 2, 3]) },
      doubles: { shape: [2], data: new Float64Array([1, 2]) },
      halves: { dtype: "F16", shape: [1], data: new Uint16Array([0x3c00]) },
      floats: { shape: [1, 1], data: new Float32Array([5]) },
    });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(text.trimEnd().endsWith("}")).toBe(true);
    expect(/^[^]*\} *$/.test(text)).toBe(true);

    // Header order is data order, widest elements first, with no gaps.
    const header = JSON.parse(text) as Record<string, { data_offsets: [number, number] }>;
    const names = Object.keys(header);
    expect(names).toEqual(["doubles", "floats", "halves", "bytes"]);
    let position = 0;
    for (const name of names) {
      expect(header[name]!.data_offsets[0]).toBe(position);
      position = header[name]!.data_offsets[1];
    }
    expect(8 + headerLength + position).toBe(bytes.length);
  });

  it("writes matrices, scalars and empty tensors", () => {
    const strided = { rows: 2, cols: 2, stride: 3, data: new Float64Array([1, 2, 99, 3, 4]) };
    const st = readSafetensors(
      writeSafetensors({
        m: strided,
        scalar: { shape: [], data: new Float32Array([7]) },
        empty: { shape: [0, 4], data: new Float32Array(0) },
      }),
    );
    expect(st.tensor("m")).toEqual({ dtype: "F64", shape: [2, 2], data: new Float64Array([1, 2, 3, 4]) });
    expect(st.tensor("scalar").shape).toEqual([]);
    expect(Array.from(st.tensor("scalar").data as Float32Array)).toEqual([7]);
    expect(st.tensor("empty").shape).toEqual([0, 4]);
    expect(st.tensor("empty").data.length).toBe(0);
  });

  it("keeps names such as __proto__ as plain data", () => {
    const tensors = new Map([
      ["__proto__", { data: new Float32Array([1]) }],
      ["constructor", { data: new Float32Array([2]) }],
    ]);
    const st = readSafetensors(writeSafetensors(tensors, { metadata: JSON.parse('{"__proto__": "x", "toString": "y"}') }));
    expect(st.names).toEqual(["__proto__", "constructor"]);
    expect(Array.from(st.tensor("__proto__").data as Float32Array)).toEqual([1]);
    expect(Object.getPrototypeOf(st.metadata)).toBe(null);
    expect(st.metadata["__proto__"]).toBe("x");
    expect(st.metadata["toString"]).toBe("y");
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });

  it("writes a file through the Node helper", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "lowrank-")), "w.safetensors");
    await writeSafetensorsFile(path, { w: { shape: [2], data: new Float32Array([3, 4]) } });
    expect(Array.from(readSafetensors(readFileSync(path)).tensor("w").data as Float32Array)).toEqual([3, 4]);
  });

  it("rejects bad arguments", () => {
    expect(() => writeSafetensors(null as never)).toThrow(TypeError);
    expect(() => writeSafetensors({ a: { data: new Uint16Array(2) } })).toThrow(/dtype must be given for Uint16Array data/);
    expect(() => writeSafetensors({ a: { dtype: "F32", data: new Float64Array(2) } })).toThrow(TypeError);
    expect(() => writeSafetensors({ a: { dtype: "F4" as never, data: new Float64Array(2) } })).toThrow(RangeError);
    expect(() => writeSafetensors({ a: { shape: [3], data: new Float64Array(2) } })).toThrow(RangeError);
    expect(() => writeSafetensors({ a: { shape: [-1], data: new Float64Array(2) } })).toThrow(RangeError);
    expect(() => writeSafetensors({ a: { data: [1, 2] as never } })).toThrow(TypeError);
    expect(() => writeSafetensors(new Map([["__metadata__", { data: new Float32Array(1) }]]))).toThrow(RangeError);
    expect(() => writeSafetensors({}, { metadata: { a: 1 as never } })).toThrow(TypeError);
  });
});

describe("readSafetensors on malformed files", () => {
  const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

  it("rejects a file shorter than the length field", () => {
    const error = formatError(() => readSafetensors(new Uint8Array(5)));
    expect(error.message).toMatch(/5 bytes, too short/);
    expect(error.byteOffset).toBe(0);
  });

  it("rejects a header length past the end", () => {
    expect(formatError(() => readSafetensors(build("{}", new Uint8Array(0), 3))).message).toMatch(/runs past the end of the file/);
  });

  it("rejects a header length over 100 MB without allocating", () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(MAX_SAFETENSORS_HEADER + 1), true);
    expect(formatError(() => readSafetensors(bytes)).message).toMatch(/exceeds the limit of 100000000 bytes/);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expect(formatError(() => readSafetensors(bytes)).message).toMatch(/exceeds the limit/);
  });

  it("rejects invalid UTF-8 at its byte", () => {
    const bytes = build('{"ab": 1}');
    bytes[11] = 0xff;
    const error = formatError(() => readSafetensors(bytes));
    expect(error.message).toMatch(/not valid UTF-8/);
    expect(error.byteOffset).toBe(11);
  });

  it("rejects malformed JSON at its byte", () => {
    const error = formatError(() => readSafetensors(build('{"é": {"dtype": "F32",, }')));
    expect(error.message).toMatch(/invalid JSON header: expected a string key/);
    expect(error.byteOffset).toBe(8 + new TextEncoder().encode('{"é": {"dtype": "F32",').length);
    expect(formatError(() => readSafetensors(build('{"a": tru}'))).message).toMatch(/unexpected character "t"/);
    expect(formatError(() => readSafetensors(build("[]"))).message).toMatch(/must be a JSON object/);
    expect(formatError(() => readSafetensors(build("{} x"))).message).toMatch(/unexpected text after/);
    expect(formatError(() => readSafetensors(build('{"a": "\\q"}'))).message).toMatch(/invalid escape/);
  });

  it("rejects deep nesting", () => {
    const deep = `{"__metadata__": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    expect(formatError(() => readSafetensors(build(deep))).message).toMatch(/nested deeper than 64 levels/);
  });

  it("rejects duplicate names", () => {
    const t = '{"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}';
    expect(formatError(() => readSafetensors(build(`{"a": ${t}, "a": ${t}}`, f32([1])))).message).toMatch(/duplicate key "a"/);
  });

  it("stores a __proto__ tensor as plain data", () => {
    const bytes = build('{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', f32([9]));
    const st = readSafetensors(bytes);
    expect(st.names).toEqual(["__proto__"]);
    expect(Array.from(st.tensor("__proto__").data as Float32Array)).toEqual([9]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it("rejects unknown dtypes and bad shapes", () => {
    const one = (entry: object) => readSafetensors(build({ t: entry }, f32([1, 2])));
    expect(formatError(() => one({ dtype: "F4", shape: [2], data_offsets: [0, 8] })).message).toMatch(/tensor "t": unsupported dtype "F4"/);
    expect(formatError(() => one({ dtype: "F32", shape: [3], data_offsets: [0, 8] })).message).toMatch(/needs 12 bytes but data_offsets give 8/);
    expect(formatError(() => one({ dtype: "F32", shape: [-2], data_offsets: [0, 8] })).message).toMatch(/non-negative integers/);
    expect(formatError(() => one({ dtype: "F32", shape: [1.5], data_offsets: [0, 8] })).message).toMatch(/non-negative integers/);
    expect(formatError(() => one({ dtype: "F32", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] })).message).toMatch(/more elements than/);
    expect(formatError(() => one({ dtype: "F32", shape: [2] })).message).toMatch(/data_offsets must be/);
    expect(formatError(() => one({ dtype: "F32", shape: [2], data_offsets: [8, 0] })).message).toMatch(/end before they begin/);
    expect(formatError(() => one({ dtype: "F32", shape: [4], data_offsets: [0, 16] })).message).toMatch(/run past the end of the data section/);
    expect(formatError(() => one([1, 2])).message).toMatch(/the entry must be an object/);
  });

  it("rejects overlaps, gaps and uncovered bytes", () => {
    const entry = (begin: number, end: number) => ({ dtype: "F32", shape: [(end - begin) / 4], data_offsets: [begin, end] });
    const overlap = formatError(() => readSafetensors(build({ a: entry(0, 8), b: entry(4, 12) }, f32([1, 2, 3]))));
    expect(overlap.message).toMatch(/tensor "b" overlaps tensor "a"/);
    const gap = formatError(() => readSafetensors(build({ a: entry(0, 4), b: entry(8, 12) }, f32([1, 2, 3]))));
    expect(gap.message).toMatch(/4 bytes before tensor "b" belong to no tensor/);
    const tail = formatError(() => readSafetensors(build({ a: entry(0, 4) }, f32([1, 2]))));
    expect(tail.message).toMatch(/last 4 bytes of the file belong to no tensor/);
    const header = 8 + JSON.stringify({ a: entry(0, 4) }).length;
    expect(tail.byteOffset).toBe(header + 4);
  });

  it("rejects metadata that are not strings", () => {
    expect(formatError(() => readSafetensors(build({ __metadata__: { a: 1 } }))).message).toMatch(/__metadata__ value "a" must be a string/);
    expect(formatError(() => readSafetensors(build({ __metadata__: "x" }))).message).toMatch(/__metadata__ must be an object/);
  });

  it("rejects bad arguments with TypeError and RangeError", () => {
    expect(() => readSafetensors("file.safetensors" as never)).toThrow(TypeError);
    const st = readSafetensors(build({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, f32([1])));
    expect(() => st.tensor("b")).toThrow(RangeError);
    expect(() => st.info(3 as never)).toThrow(TypeError);
    expect(st.has("a")).toBe(true);
    expect([...st.entries()].map(([name]) => name)).toEqual(["a"]);
  });
});
