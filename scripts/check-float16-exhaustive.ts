// Checks float32 -> float16 on all 2^32 float32 bit patterns against numpy's astype, for the simd and
// scalar builds and the pure-JavaScript baseline. Too slow for every test run (8.5 minutes on a
// 2-core EPYC with Node 20), so run it once after changing a conversion:
//
//   npx tsx scripts/check-float16-exhaustive.ts
//
// A python3 with numpy streams its float16 bits chunk by chunk; this script converts the same chunk
// and compares bytes. Exits 1 at the first difference, printing the input bits and both outputs.
import { spawn } from "node:child_process";
import * as baseline from "../src/baseline/index.js";
import { ready, toFloat16 } from "../src/index.js";

const CHUNK = 1 << 24;
const CHUNKS = 256;

const PYTHON = `
import sys, numpy as np
out = sys.stdout.buffer
for c in range(${CHUNKS}):
    x = np.arange(c * ${CHUNK}, (c + 1) * ${CHUNK}, dtype=np.uint64).astype(np.uint32).view(np.float32)
    with np.errstate(all="ignore"):
        out.write(x.astype(np.float16).view(np.uint16).tobytes())
out.flush()
`;

/** Yields numpy's float16 bits, one chunk of CHUNK values at a time. */
async function* numpyChunks(): AsyncGenerator<Uint16Array> {
  const child = spawn("python3", ["-c", PYTHON], { stdio: ["ignore", "pipe", "inherit"] });
  const bytes = CHUNK * 2;
  let buffer = new Uint8Array(bytes);
  let filled = 0;
  for await (const piece of child.stdout as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(piece.length - offset, bytes - filled);
      buffer.set(piece.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === bytes) {
        yield new Uint16Array(buffer.buffer);
        buffer = new Uint8Array(bytes);
        filled = 0;
      }
    }
  }
}

function firstDifference(a: Uint16Array, b: Uint16Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const started = performance.now();
const patterns = new Uint32Array(CHUNK);
const values = new Float32Array(patterns.buffer);
const implementations = ["simd", "scalar", "baseline"] as const;
let chunk = 0;
for await (const expected of numpyChunks()) {
  const start = chunk * CHUNK;
  for (let i = 0; i < CHUNK; i++) patterns[i] = start + i;
  for (const name of implementations) {
    let received: Uint16Array;
    if (name === "baseline") received = baseline.toFloat16(values);
    else {
      await ready({ backend: name, skipWarmUp: true });
      received = toFloat16(values);
    }
    const index = firstDifference(received, expected);
    if (index >= 0) {
      const bits = (start + index) >>> 0;
      console.error(`check-float16-exhaustive: ${name} differs from numpy at f32 bits 0x${bits.toString(16)}: received 0x${received[index]!.toString(16)}, expected 0x${expected[index]!.toString(16)}`);
      process.exit(1);
    }
  }
  chunk++;
  if (chunk % 32 === 0) console.log(`check-float16-exhaustive: ${chunk * CHUNK} patterns agree (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
if (chunk !== CHUNKS) {
  console.error(`check-float16-exhaustive: numpy produced ${chunk} of ${CHUNKS} chunks; is python3 with numpy installed?`);
  process.exit(1);
}
console.log(`check-float16-exhaustive: all 2^32 float32 inputs give numpy's float16 bits in ${implementations.join(", ")} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
