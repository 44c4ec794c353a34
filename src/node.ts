/**
 * Node-only helpers: functions that take file paths. Everything else lives in the main entry, which
 * also runs in browsers. Importable as `lowrank/node`.
 */
import { readFile } from "node:fs/promises";

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
