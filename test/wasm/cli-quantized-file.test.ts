// The quantized safetensors layout of `lowrank quantize -o`: every format written and read back
// decodes to the values the encoder measured, on the Silero VAD weights.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI_FORMATS, decodeTensor, encodeTensor, quantizationMetadata, readQuantization, type QuantizedEntry } from "../../src/cli/quantized-file.js";
import { readSafetensors, tensorAsMatrix, writeSafetensors, type SafetensorsTensorInput } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";

const SILERO = fileURLToPath(new URL("../fixtures/data/silero_vad_v5.safetensors", import.meta.url));

describe("quantized safetensors file", () => {
  beforeAll(loadBackend);

  it.each(CLI_FORMATS)("%s round trip decodes the measured values", async (format) => {
    const source = readSafetensors(await readFile(SILERO));
    const tensors = new Map<string, SafetensorsTensorInput>();
    const entries = new Map<string, QuantizedEntry>();
    const decoded = new Map<string, Float32Array | Float64Array>();
    for (const [name, tensor] of source.entries()) {
      const encoded = encodeTensor(name, tensor.shape, tensor.dtype, tensorAsMatrix(tensor), format, format === "nf4" ? 32 : undefined);
      for (const [key, value] of encoded.tensors) tensors.set(key, value);
      entries.set(name, encoded.entry);
      decoded.set(name, encoded.decoded);
    }

    const file = readSafetensors(writeSafetensors(tensors, { metadata: { "lowrank.quantization": quantizationMetadata(entries) } }));
    const read = readQuantization(file);
    expect([...read.entries.keys()]).toEqual([...entries.keys()]);
    for (const [name, entry] of read.entries) {
      expect(entry).toEqual(entries.get(name));
      const values = decodeTensor(file, name, entry);
      expect(values.length).toBe(entry.shape.reduce((a, b) => a * b, 1));
      expect(Float64Array.from(values)).toEqualBits(Float64Array.from(decoded.get(name)!));
    }
    if (format === "nf4") expect(read.entries.get("decoder.rnn.weight_hh")!.blockSize).toBe(32);
  });

  it("rejects metadata naming a missing tensor", () => {
    const bytes = writeSafetensors(
      { w: { dtype: "F32", shape: [2], data: new Float32Array(2) } },
      { metadata: { "lowrank.quantization": JSON.stringify({ version: 1, tensors: { v: { format: "f16", shape: [2] } } }) } },
    );
    expect(() => readQuantization(readSafetensors(bytes))).toThrow(/lists tensor "v", which the file does not have/);
  });

  it("rejects codes that disagree with the shape", () => {
    const bytes = writeSafetensors(
      { w: { dtype: "U8", shape: [3], data: new Uint8Array(3) }, "w.absmax": { dtype: "F32", shape: [1], data: new Float32Array([1]) } },
      { metadata: { "lowrank.quantization": JSON.stringify({ version: 1, tensors: { w: { format: "nf4", shape: [2, 2], block_size: 64 } } }) } },
    );
    const file = readSafetensors(bytes);
    const { entries } = readQuantization(file);
    expect(() => decodeTensor(file, "w", entries.get("w")!)).toThrow(/expected 2 U8 bytes of codes, found U8 with 3/);
  });
});
