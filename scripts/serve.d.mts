// Types of scripts/serve.mjs for the TypeScript tests that import it.
export interface ServerHandle {
  url: string;
  close(): Promise<void>;
}
export function startServer(options?: { root?: string; port?: number; isolated?: boolean }): Promise<ServerHandle>;
