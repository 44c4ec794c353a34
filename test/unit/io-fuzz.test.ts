// Seeded mutation fuzzing of the three readers: every failure must be a FormatError, every success a
// well-formed result, and no input may take long.
import { describe, expect, it } from "vitest";
import { FormatError, RandomState, readMatrixMarket, readNpy, readSafetensors, writeSafetensors } from "../../src/index.js";
import { fixtureBytes } from "./io-helpers.js";

const MUTATIONS_PER_FILE = 3000;
const SLOW_CALL_MS = 250;

type Mutation = (bytes: Uint8Array, random: RandomState) => Uint8Array;

function integer(random: RandomState, n: number): number {
  return Math.floor(random.rand() * n);
}

const BYTE_MUTATIONS: Record<string, Mutation> = {
  flipBit(bytes, random) {
    const out = bytes.slice();
    if (out.length > 0) out[integer(random, out.length)]! ^= 1 << integer(random, 8);
    return out;
  },
  setByte(bytes, random) {
    const out = bytes.slice();
    if (out.length > 0) out[integer(random, out.length)] = [0, 0xff, 0x7f, 0x80, 0x20, 0x22, 0x2c, 0x7b][integer(random, 8)]!;
    return out;
  },
  truncate(bytes, random) {
    return bytes.slice(0, integer(random, bytes.length));
  },
  insert(bytes, random) {
    const at = integer(random, bytes.length + 1);
    const extra = new Uint8Array(1 + integer(random, 8)).map(() => integer(random, 256));
    return concat(bytes.subarray(0, at), extra, bytes.subarray(at));
  },
  deleteRange(bytes, random) {
    const at = integer(random, bytes.length);
    return concat(bytes.subarray(0, at), bytes.subarray(at + 1 + integer(random, 16)));
  },
  duplicateRange(bytes, random) {
    const at = integer(random, bytes.length);
    const piece = bytes.subarray(at, at + 1 + integer(random, 32));
    return concat(bytes.subarray(0, at), piece, bytes.subarray(at));
  },
  /** Replaces one digit inside the first 4 kB (the header of these files) with another digit or a sign. */
  editDigit(bytes, random) {
    const out = bytes.slice();
    const digits: number[] = [];
    for (let i = 0; i < Math.min(out.length, 4096); i++) if (out[i]! >= 0x30 && out[i]! <= 0x39) digits.push(i);
    if (digits.length > 0) out[digits[integer(random, digits.length)]!] = "0123456789-9"[integer(random, 12)]!.charCodeAt(0);
    return out;
  },
  /** Overwrites the 8 bytes at the start with a random header length (safetensors) or random bytes. */
  editLength(bytes, random) {
    const out = bytes.slice();
    const view = new DataView(out.buffer);
    if (out.length >= 8) {
      const choices = [0, 1, out.length - 8, out.length, 100_000_001, 2 ** 32 - 1, Number(view.getUint32(0, true)) + integer(random, 17) - 8];
      view.setUint32(0, Math.max(0, choices[integer(random, choices.length)]!) >>> 0, true);
      view.setUint32(4, integer(random, 4) === 0 ? integer(random, 2 ** 32) : 0, true);
    }
    return out;
  },
};

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Line-level edits for the text format. */
const TEXT_MUTATIONS: Record<string, (text: string, random: RandomState) => string> = {
  dropField(text, random) {
    const lines = text.split("\n");
    const k = integer(random, lines.length);
    lines[k] = lines[k]!.split(" ").slice(0, -1).join(" ");
    return lines.join("\n");
  },
  replaceToken(text, random) {
    const tokens = text.split(" ");
    const words = ["0", "-1", "1e309", "nan", "x", "%", "99999999999", "1.5", "", "\n", "coordinate", "array", "pattern", "symmetric"];
    tokens[integer(random, tokens.length)] = words[integer(random, words.length)]!;
    return tokens.join(" ");
  },
  duplicateLine(text, random) {
    const lines = text.split("\n");
    const k = integer(random, lines.length);
    lines.splice(k, 0, lines[k]!);
    return lines.join("\n");
  },
  deleteLine(text, random) {
    const lines = text.split("\n");
    lines.splice(integer(random, lines.length), 1);
    return lines.join("\n");
  },
};

interface Outcome {
  accepted: number;
  rejected: number;
  slowest: number;
}

/**
 * Applies `count` seeded mutations to `original` and runs `read` on each. A thrown error other than
 * FormatError fails the test with the seed, the mutation and the error.
 */
function fuzz(label: string, original: Uint8Array, read: (bytes: Uint8Array) => void, seed: number, textual = false): Outcome {
  const random = new RandomState(seed);
  const names = Object.keys(BYTE_MUTATIONS);
  const textNames = Object.keys(TEXT_MUTATIONS);
  const outcome: Outcome = { accepted: 0, rejected: 0, slowest: 0 };
  for (let trial = 0; trial < MUTATIONS_PER_FILE; trial++) {
    let mutated = original;
    const applied: string[] = [];
    const steps = 1 + integer(random, 3);
    for (let s = 0; s < steps; s++) {
      if (textual && integer(random, 2) === 0) {
        const name = textNames[integer(random, textNames.length)]!;
        const text = TEXT_MUTATIONS[name]!(new TextDecoder().decode(mutated), random);
        mutated = new TextEncoder().encode(text);
        applied.push(name);
      } else {
        const name = names[integer(random, names.length)]!;
        mutated = BYTE_MUTATIONS[name]!(mutated, random);
        applied.push(name);
      }
    }

    const start = performance.now();
    try {
      read(mutated);
      outcome.accepted++;
    } catch (error) {
      if (!(error instanceof FormatError)) {
        throw new Error(`${label}: trial ${trial} (seed ${seed}, ${applied.join(" + ")}) threw ${String(error)}`);
      }
      outcome.rejected++;
    }
    outcome.slowest = Math.max(outcome.slowest, performance.now() - start);
  }
  if (process.env.LOWRANK_FUZZ_LOG) console.log(label, outcome);
  return outcome;
}

function readAllSafetensors(bytes: Uint8Array): void {
  const file = readSafetensors(bytes);
  for (const name of file.names) {
    const { shape, data } = file.tensor(name);
    const count = shape.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`tensor ${name}: ${data.length} elements for shape [${shape.join(", ")}]`);
  }
}

function readCheckedNpy(bytes: Uint8Array): void {
  const { shape, data } = readNpy(bytes);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`${data.length} elements for shape (${shape.join(", ")})`);
}

function readCheckedMatrixMarket(bytes: Uint8Array): void {
  const m = readMatrixMarket(bytes, { maxBytes: 2 ** 20 });
  if (m.data.length !== m.rows * m.cols) throw new Error(`${m.data.length} elements for ${m.rows}x${m.cols}`);
}

describe("readers under random mutation", () => {
  it("safetensors fails only with FormatError", () => {
    const sample = writeSafetensors(
      new Map<string, { dtype?: "BF16"; shape: number[]; data: Float64Array | Float32Array | Uint16Array | Int8Array | BigInt64Array }>([
        ["a.weight", { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }],
        ["b", { shape: [2], data: new Float64Array([7, 8]) }],
        ["h", { dtype: "BF16", shape: [3], data: new Uint16Array([1, 2, 3]) }],
        ["q", { shape: [5], data: new Int8Array([1, -2, 3, -4, 5]) }],
        ["n", { shape: [1], data: new BigInt64Array([-9n]) }],
      ]),
      { metadata: { format: "pt" } },
    );
    const outcome = fuzz("safetensors", sample, readAllSafetensors, 1);
    expect(outcome.rejected).toBeGreaterThan(MUTATIONS_PER_FILE / 2);
    expect(outcome.slowest).toBeLessThan(SLOW_CALL_MS);

    const real = fixtureBytes("data/silero_vad_v5.safetensors");
    expect(fuzz("silero", real, readAllSafetensors, 2).slowest).toBeLessThan(SLOW_CALL_MS);
  });

  it("npy fails only with FormatError", () => {
    for (const [k, file] of ["f8-be-fortran-v2.npy", "i8-le-c-v1.npy", "b1-le-fortran-v1.npy", "f8-scalar-v1.npy"].entries()) {
      const outcome = fuzz(file, fixtureBytes(`npy/${file}`), readCheckedNpy, 10 + k);
      expect(outcome.rejected).toBeGreaterThan(MUTATIONS_PER_FILE / 2);
      expect(outcome.slowest).toBeLessThan(SLOW_CALL_MS);
    }
  });

  it("Matrix Market fails only with FormatError", () => {
    for (const [k, file] of ["mtx/coordinate-real-symmetric.mtx", "mtx/array-real-skew-symmetric.mtx", "mtx/coordinate-pattern-general.mtx"].entries()) {
      const outcome = fuzz(file, fixtureBytes(file), readCheckedMatrixMarket, 20 + k, true);
      expect(outcome.rejected).toBeGreaterThan(MUTATIONS_PER_FILE / 4);
      expect(outcome.slowest).toBeLessThan(SLOW_CALL_MS);
    }
  });
});
