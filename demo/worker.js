// The demo's Web Worker: every computation runs here, off the page's main thread. Messages carry an
// `id`; the reply carries the same `id` with a `result` or an `error`, and long jobs post
// `{ type: "progress", done, total, label }` on the way.
import {
  ready, backend, seed, randn, svd, matmul, lowRank, byteSize, errorStats,
  toFloat16, fromFloat16, toBfloat16, fromBfloat16, quantizeInt8, dequantizeInt8, quantize4bit, dequantize4bit,
  readNpy, readSafetensors, tensorAsMatrix,
} from "../dist/index.js";

/** Element types, in safetensors' and numpy's names, that the demo analyses. */
const FLOAT_DTYPES = new Set(["F64", "F32", "F16", "BF16", "f8", "f4", "f2"]);
const CAMERA_URL = new URL("../test/fixtures/data/camera_512x512.npy", import.meta.url);
let camera;

/** Returns B = U_k and A = S_k V_k^T of a thin SVD computed once, as a view and a scaled copy. */
function truncate({ U, S, Vt }, k) {
  const B = { rows: U.rows, cols: k, stride: U.cols, data: U.data };
  const scaled = Vt.data.slice(0, k * Vt.cols);
  for (let i = 0; i < k; i++) for (let j = 0; j < Vt.cols; j++) scaled[i * Vt.cols + j] *= S[i];
  return { B, A: { rows: k, cols: Vt.cols, data: scaled } };
}

/** Relative Frobenius error of each number format's round trip of `values`. */
function formatErrors(values) {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  return {
    float16: errorStats(f32, fromFloat16(toFloat16(f32))).relative,
    bfloat16: errorStats(f32, fromBfloat16(toBfloat16(f32))).relative,
    int8: errorStats(f32, dequantizeInt8(quantizeInt8(f32))).relative,
    nf4: errorStats(f32, dequantize4bit(quantize4bit(f32, { type: "nf4" }))).relative,
  };
}

function walkthrough() {
  seed(69);
  const w = randn(10, 10);
  const ranks = [];
  let S;
  for (let k = 1; k <= 10; k++) {
    const split = lowRank(w, k);
    S = split.S;
    ranks.push({ k, parameters: split.parametersAfter, error: split.residualFro });
  }
  const sizes = ["float64", "float32", "float16", "bfloat16", "int8", "nf4"].map((format) => ({ format, ...byteSize(w, format) }));
  return { S: Array.from(S), ranks, sizes, errors: formatErrors(w.data) };
}

async function loadCamera(post) {
  post({ type: "progress", done: 0, total: 2, label: "reading the photograph" });
  const response = await fetch(CAMERA_URL);
  if (!response.ok) throw new Error(`fetching ${CAMERA_URL.href} failed with HTTP status ${response.status}`);
  const image = readNpy(new Uint8Array(await response.arrayBuffer()));
  const [rows, cols] = image.shape;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i] / 255;
  post({ type: "progress", done: 1, total: 2, label: `SVD of ${rows} x ${cols}` });
  camera = { rows, cols, factors: svd({ rows, cols, data }) };
  return { rows, cols, S: Array.from(camera.factors.S) };
}

function cameraAtRank(k) {
  const { rows, cols, factors } = camera;
  const { B, A } = truncate(factors, k);
  const image = matmul(B, A);
  let total = 0;
  let discarded = 0;
  factors.S.forEach((s, i) => {
    total += s * s;
    if (i >= k) discarded += s * s;
  });
  return {
    k,
    pixels: image.data,
    relativeError: Math.sqrt(discarded / total),
    fullBytes: rows * cols * 4,
    lowRankBytes: k * (rows + cols) * 4,
  };
}

function tensorsOf(name, bytes) {
  if (name.endsWith(".npy")) return [[name, readNpy(bytes)]];
  const file = readSafetensors(bytes);
  return file.names.map((tensorName) => [tensorName, file.tensor(tensorName)]);
}

function asFloatMatrix(tensor) {
  if (tensor.dtype === "F16" || tensor.dtype === "f2") return tensorAsMatrix({ ...tensor, dtype: "F32", data: fromFloat16(tensor.data) });
  if (tensor.dtype === "BF16") return tensorAsMatrix({ ...tensor, dtype: "F32", data: fromBfloat16(tensor.data) });
  return tensorAsMatrix(tensor);
}

function analyseFile(name, bytes, post) {
  const tensors = tensorsOf(name, bytes);
  const results = [];
  tensors.forEach(([tensorName, tensor], index) => {
    post({ type: "progress", done: index, total: tensors.length, label: tensorName });
    if (!FLOAT_DTYPES.has(tensor.dtype) || tensor.shape.length < 1) {
      results.push({ name: tensorName, shape: tensor.shape, dtype: tensor.dtype, skipped: "not a floating-point tensor" });
      return;
    }
    const matrix = asFloatMatrix(tensor);
    const { S } = svd(matrix, { vectors: false });
    results.push({ name: tensorName, shape: tensor.shape, dtype: tensor.dtype, rows: matrix.rows, cols: matrix.cols, S: Array.from(S), errors: formatErrors(matrix.data) });
  });
  return results;
}

self.onmessage = async (event) => {
  const { id, type } = event.data;
  const post = (message) => self.postMessage({ id, ...message });
  try {
    let result;
    if (type === "init") {
      await ready();
      result = backend();
    } else if (type === "walkthrough") {
      result = walkthrough();
    } else if (type === "camera-load") {
      result = await loadCamera(post);
    } else if (type === "camera-rank") {
      result = cameraAtRank(event.data.k);
    } else if (type === "file") {
      result = analyseFile(event.data.name, new Uint8Array(event.data.bytes), post);
    } else {
      throw new Error(`unknown request type ${JSON.stringify(type)}`);
    }
    post({ type: "result", result });
  } catch (error) {
    post({ type: "error", error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
};
