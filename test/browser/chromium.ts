// Starts Debian's Chromium headless through playwright-core, and the static server, for the browser
// tests. Chromium's background services are switched off: this machine has no network but localhost.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startServer } from "../../scripts/serve.mjs";

/** Path of the Chromium binary; LOWRANK_CHROMIUM overrides the Debian package's. */
export const CHROMIUM_PATH = process.env.LOWRANK_CHROMIUM ?? "/usr/bin/chromium";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** A running browser with a fresh profile, and a server for the repository (or another root). */
export interface BrowserSession {
  browser: BrowserContext;
  baseUrl: string;
  newPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches Chromium and the static server. Throws with the install command when Chromium is missing.
 */
export async function openBrowser(options: { root?: string; isolated?: boolean } = {}): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install it with "apt-get install chromium" or set LOWRANK_CHROMIUM`);
  }
  const server = await startServer(options);
  const profile = await mkdtemp(join(tmpdir(), "lowrank-chromium-"));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
  } catch (error) {
    await server.close();
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const errors: string[] = [];
  return {
    browser: context,
    baseUrl: server.url,
    async newPage(path: string): Promise<Page> {
      const page = await context!.newPage();
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(`${server.url}${path}`);
      return page;
    },
    async close(): Promise<void> {
      await context!.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`the page reported errors:\n${errors.join("\n")}`);
    },
  };
}

export type { Browser, Page };
