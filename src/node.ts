/**
 * Node-only helpers: functions that take file paths. Everything else lives in the main entry, which
 * also runs in browsers. Importable as `lowrank/node`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { readMatrixMarket, type MatrixMarketMatrix, type ReadMatrixMarketOptions } from "./io/matrix-market.js";
import { readNpy, writeNpy, type NpyArray, type NpyArrayInput, type ReadNpyOptions, type WriteNpyOptions } from "./io/npy.js";
import { readSafetensors, writeSafetensors, type SafetensorsFile, type WriteSafetensorsOptions } from "./io/safetensors.js";

/**
 * Reads a file into a Uint8Array, for the byte-level readers of the main entry.
 * Rejects with Node's own error (ENOENT and the like) when the file cannot be read.
 *
 * @example
 * import { readBytes } from "lowrank/node";
 * const bytes = await readBytes("weights.safetensors");
 */
export async function readBytes(path: string | URL): Promise<Uint8Array> {
  const buffer = await readFile(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

// File formats: the byte-level readers and writers of the main entry, taking paths.

/**
 * Reads a safetensors file from disk and parses its header (see `readSafetensors`). The whole file is
 * read into memory; tensors are then views of that memory where alignment allows.
 * Rejects with Node's error when the file cannot be read and with FormatError when it is malformed.
 *
 * @example
 * const file = await readSafetensorsFile("adapter_model.safetensors");
 * const a = file.tensor(file.names[0]!);
 */
export async function readSafetensorsFile(path: string | URL): Promise<SafetensorsFile> {
  // NOTE: readFile refuses files over 2 GiB, and the whole file is held in memory. Reading the
  // header first and each tensor's byte range on request (FileHandle.read) would lift both limits.
  return readSafetensors(await readBytes(path));
}

/**
 * Writes tensors to a safetensors file (see `writeSafetensors` for the layout and the arguments),
 * replacing any file at `path`.
 *
 * @example
 * await writeSafetensorsFile("out.safetensors", { "w": matrix(2, 2) });
 */
export async function writeSafetensorsFile(
  path: string | URL,
  tensors: Parameters<typeof writeSafetensors>[0],
  options?: WriteSafetensorsOptions,
): Promise<void> {
  await writeFile(path, writeSafetensors(tensors, options));
}

/**
 * Reads a .npy file from disk (see `readNpy`).
 *
 * @example
 * const image = await readNpyFile("camera_512x512.npy");   // dtype "u1", shape [512, 512]
 */
export async function readNpyFile(path: string | URL, options?: ReadNpyOptions): Promise<NpyArray> {
  return readNpy(await readBytes(path), options);
}

/**
 * Writes an array to a .npy file that `np.load` reads (see `writeNpy`), replacing any file at `path`.
 *
 * @example
 * await writeNpyFile("u.npy", svd(a).U);
 */
export async function writeNpyFile(path: string | URL, array: NpyArrayInput, options?: WriteNpyOptions): Promise<void> {
  await writeFile(path, writeNpy(array, options));
}

/**
 * Reads a Matrix Market file from disk into a dense matrix (see `readMatrixMarket`).
 *
 * @example
 * const a = await readMatrixMarketFile("HB_illc1033.mtx");   // 1033 x 320
 */
export async function readMatrixMarketFile(path: string | URL, options?: ReadMatrixMarketOptions): Promise<MatrixMarketMatrix> {
  return readMatrixMarket(await readBytes(path), options);
}
