// A small static file server for the demo page and the browser tests, on localhost only.
// Usage: node scripts/serve.mjs [--port 8080] [--root DIR] [--isolated]
//   --isolated  adds the COOP/COEP headers that make a page cross-origin isolated (SharedArrayBuffer).
// Imported by the browser tests as startServer(), which returns the URL and a close() function.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".npy": "application/octet-stream",
  ".safetensors": "application/octet-stream",
  ".map": "application/json",
};

const REPOSITORY = fileURLToPath(new URL("..", import.meta.url));

/**
 * Starts serving `root` on 127.0.0.1. Resolves to { url, close }. Paths outside the root are refused
 * with 403, missing files get 404, and a folder serves its index.html.
 */
export async function startServer({ root = REPOSITORY, port = 0, isolated = false } = {}) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      response.writeHead(403).end("forbidden");
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      await stat(file);
    } catch {
      response.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
      return;
    }
    const headers = { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" };
    if (isolated) {
      headers["cross-origin-opener-policy"] = "same-origin";
      headers["cross-origin-embedder-policy"] = "require-corp";
    }
    response.writeHead(200, headers);
    createReadStream(file).pipe(response);
  });
  await new Promise((resolveListen) => server.listen(port, "127.0.0.1", resolveListen));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolveClose) => server.close(resolveClose)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const port = Number(option("--port") ?? 8080);
  const root = option("--root") ?? REPOSITORY;
  const { url } = await startServer({ root, port, isolated: args.includes("--isolated") });
  console.log(`serving ${root} at ${url}/ (Ctrl-C to stop)`);
}
